package io.portcullis.renewal;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.TrustArea;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** Who renews a certificate: given the current one and a new key, the new chain. */
public interface Issuer {
  /**
   * A certificate for {@code newKeys} that renews {@code current}'s certificate, proven by its key
   * (which may be a handle into a token: it signs, it is never read). An issuer on another host
   * also presents {@code current}'s chain as TLS client certificate.
   *
   * @return the new chain, leaf first
   * @throws PortcullisException when the issuer cannot be reached or refuses, with its own ID
   */
  List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys) throws PortcullisException;

  /**
   * The chain the issuer issued to renew {@code replaced}'s certificate, when that renewal is the
   * workload's latest: how an agent that stopped after asking for a certificate, before storing it,
   * finds the certificate for the key it made. Certificates are public; the agent uses it only when
   * it certifies the key it kept. Empty when there is none, or when the issuer cannot tell.
   *
   * @throws PortcullisException when the issuer cannot be reached
   */
  default Optional<List<X509Certificate>> successor(KeyMaterial replaced)
      throws PortcullisException {
    return Optional.empty();
  }

  /**
   * The window in which the issuer suggests renewing {@code certificate} (ACME Renewal
   * Information), when it offers one; the agent then renews at a random time inside it instead of
   * at {@code renewAt}. Empty for issuers that offer none.
   *
   * @throws PortcullisException when the issuer cannot be reached (the agent keeps its own
   *     schedule)
   */
  default Optional<RenewalWindow> window(X509Certificate certificate) throws PortcullisException {
    return Optional.empty();
  }

  /** The trust areas peers validate this issuer's certificates with; a new chain must pass. */
  List<TrustArea> trust() throws PortcullisException;

  /** How the issuer is named in messages ({@code the Portcullis CA in /srv/ca}). */
  String describe();
}
