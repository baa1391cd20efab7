package io.portcullis.renewal;

import io.portcullis.PortcullisException;
import io.portcullis.trust.TrustArea;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Who renews a certificate: given the current one and a new key, the new chain. */
public interface Issuer {
  /**
   * A certificate for {@code newKeys} that renews {@code current}, proven by {@code currentKey}
   * (which may be a handle into a token: it signs, it is never read).
   *
   * @return the new chain, leaf first
   * @throws PortcullisException when the issuer cannot be reached or refuses, with its own ID
   */
  List<X509Certificate> renew(X509Certificate current, PrivateKey currentKey, KeyPair newKeys)
      throws PortcullisException;

  /** The trust areas peers validate this issuer's certificates with; a new chain must pass. */
  List<TrustArea> trust() throws PortcullisException;

  /** How the issuer is named in messages ({@code the Portcullis CA in /srv/ca}). */
  String describe();
}
