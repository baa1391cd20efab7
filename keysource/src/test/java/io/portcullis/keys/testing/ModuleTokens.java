package io.portcullis.keys.testing;

/**
 * The SoftHSM2 tokens this module's tests use, made together before any test loads the library:
 * SoftHSM2 reads its token directory when a process first initializes it, so a token made after a
 * test class has loaded the library is invisible to the rest of the JVM.
 */
public final class ModuleTokens {
  /** The key source tests' token. */
  public static final String KEYS = "portcullis-test";

  /** A token no test logs in to, so a wrong PIN reaches the token's own C_Login. */
  public static final String NEVER_LOGGED_IN = "portcullis-fresh";

  /** The renewal tests' token. */
  public static final String RENEWAL = "portcullis-renewal";

  /** The user PIN of every token here. */
  public static final String PIN = "pin-8263-secret";

  private static SoftHsm hsm;

  private ModuleTokens() {}

  /** The shared SoftHSM2 store with the module's tokens in it. */
  public static synchronized SoftHsm ready() {
    if (hsm == null) {
      SoftHsm shared = SoftHsm.shared();
      shared.initToken(KEYS, PIN);
      shared.initToken(NEVER_LOGGED_IN, PIN);
      shared.initToken(RENEWAL, PIN);
      hsm = shared;
    }
    return hsm;
  }
}
