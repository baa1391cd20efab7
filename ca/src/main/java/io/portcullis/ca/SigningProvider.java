package io.portcullis.ca;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider signs certificates and verifies CSRs with software keys. On JDK 17 the SunEC
 * ECDSA path is several times slower than Bouncy Castle's (see bench/RESULTS.md), so BC is the
 * default; keys in a PKCS#11 token always sign in their token's provider.
 */
public enum SigningProvider {
  /** Bouncy Castle's provider, used without being registered globally. */
  BC,
  /** Whatever the JDK's provider list picks for the key (SunEC, SunRsaSign, SunPKCS11). */
  JDK;

  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  /** The provider to pass to JCA builders, or {@code null} for the JDK's own selection. */
  Provider provider() {
    return this == BC ? BOUNCY_CASTLE : null;
  }
}
