package io.portcullis.ca;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.CaCertificateFiles;
import io.portcullis.renewal.FixedKeyManager;
import io.portcullis.renewal.Issuer;
import io.portcullis.trust.TrustArea;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The Portcullis CA on another host as a renewal {@link Issuer}: {@code portcullis ca serve}'s mTLS
 * endpoint. Each request presents the credential being renewed as TLS client certificate (its key
 * signs the handshake from wherever it lives, a token included) and trusts only the CA root given
 * out of band, so neither the server's identity nor the areas a new chain is checked against can be
 * taken from the network. Renewal carries the same proof of the current key as in process, so the
 * lineage extension links each certificate to the one before.
 */
public final class CaEndpointIssuer implements Issuer {
  /** Where the roots come from at each request. */
  @FunctionalInterface
  interface Roots {
    List<X509Certificate> read() throws PortcullisException;
  }

  private final URI base;
  private final Roots roots;
  private final Duration lifetime;

  /**
   * @param base the endpoint, like {@code https://ca.corp.example:8443/}
   * @param roots the CA's root certificate (two while a root rollover publishes the next one): the
   *     only anchors for the endpoint and the new chains
   * @param lifetime the lifetime to ask for, or null for the registration's maximum
   */
  public CaEndpointIssuer(URI base, List<X509Certificate> roots, Duration lifetime) {
    this(base, fixed(roots), lifetime);
  }

  private CaEndpointIssuer(URI base, Roots roots, Duration lifetime) {
    this.base = Objects.requireNonNull(base, "base");
    this.roots = roots;
    this.lifetime = lifetime;
  }

  /**
   * The endpoint, with the roots read from {@code caRoot} at each request: a root rollover's bundle
   * ({@code root/anchors.pem}, copied or shared) is followed without a restart, from the next root
   * published to the previous one retired.
   *
   * @throws PortcullisException {@code PRTC0501E} when the file holds no CA certificate now
   */
  public static CaEndpointIssuer following(URI base, Path caRoot, Duration lifetime)
      throws PortcullisException {
    CaCertificateFiles.read(caRoot, "caRoot");
    return new CaEndpointIssuer(base, () -> CaCertificateFiles.read(caRoot, "caRoot"), lifetime);
  }

  private static Roots fixed(List<X509Certificate> roots) {
    List<X509Certificate> copy = List.copyOf(roots);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("the CA endpoint needs its root certificate");
    }
    return () -> copy;
  }

  @Override
  public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
      throws PortcullisException {
    Csr csr = Csr.create(newKeys, null, List.of());
    byte[] proof =
        RenewalProof.sign(
            current.privateKey(), KeyType.of(current.certificate().getPublicKey()), csr.encoded());
    return client(current).renew(csr.request(), proof, lifetime);
  }

  @Override
  public Optional<List<X509Certificate>> successor(KeyMaterial replaced)
      throws PortcullisException {
    return client(replaced).successor();
  }

  @Override
  public List<TrustArea> trust() throws PortcullisException {
    return client(null).areas(roots.read());
  }

  @Override
  public String describe() {
    return "the Portcullis CA at " + base;
  }

  /** A client presenting {@code credential} (none when null) and trusting only the root. */
  private CaClient client(KeyMaterial credential) throws PortcullisException {
    try {
      SSLContext tls =
          CaTls.context(
              credential == null
                  ? null
                  : new FixedKeyManager(credential.privateKey(), credential.chain()),
              roots.read());
      return new CaClient(base, tls);
    } catch (GeneralSecurityException e) {
      throw CaMessage.SERVER_UNREACHABLE.causedBy(e, base, e.toString());
    }
  }
}
