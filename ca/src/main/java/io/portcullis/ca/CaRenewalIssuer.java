package io.portcullis.ca;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.Issuer;
import io.portcullis.trust.TrustArea;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Portcullis CA as a renewal {@link Issuer}, in this process: the CA's state directory is on
 * this host and its area key readable by the server (one host, or a shared volume). Each renewal
 * opens the CA afresh, so a CA changed meanwhile (an area retired, a certificate revoked) is seen,
 * and renews by proof of the current key, so the lineage extension links the new certificate to the
 * one it replaces.
 */
public final class CaRenewalIssuer implements Issuer {
  /** How the CA's audit log names the renewals this issuer makes. */
  static final String OPERATOR = "renewal-agent";

  private final Path directory;
  private final Duration lifetime;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param directory the CA's state directory
   * @param lifetime the lifetime to ask for, or null for the registration's maximum
   */
  public CaRenewalIssuer(Path directory, Duration lifetime, Clock clock) {
    this.directory = directory;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  @Override
  public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
      throws PortcullisException {
    return open()
        .renew(current.certificate(), current.privateKey(), newKeys, lifetime, OPERATOR)
        .chain();
  }

  @Override
  public Optional<List<X509Certificate>> successor(KeyMaterial replaced)
      throws PortcullisException {
    return open().successor(replaced.certificate()).map(IssuedCertificate::chain);
  }

  @Override
  public List<TrustArea> trust() throws PortcullisException {
    return open().trustAreas();
  }

  @Override
  public String describe() {
    return "the Portcullis CA in " + directory;
  }

  /**
   * Opens the CA with the JDK's providers: inside Liberty the feature embeds only the Bouncy Castle
   * classes it reaches directly, not the algorithm classes BC's provider loads by name.
   */
  private CertificateAuthority open() throws PortcullisException {
    return CertificateAuthority.open(directory, clock, random, SigningProvider.JDK);
  }
}
