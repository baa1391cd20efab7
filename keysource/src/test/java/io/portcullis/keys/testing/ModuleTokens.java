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

  /** The PIN lifecycle test's token, whose PIN that test changes. */
  public static final String PIN_LIFECYCLE = "portcullis-pin-change";

  /** The renewal tests' token. */
  public static final String RENEWAL = "portcullis-renewal";

  /** The user PIN of every token here. */
  public static final String PIN = "pin-8263-secret";

  /** The TPM token of the TPM key source and TPM renewal tests. */
  public static final String TPM = "portcullis-tpm";

  /** Its user PIN. */
  public static final String TPM_PIN = "tpm-pin-5521";

  private static SoftHsm hsm;
  private static SwTpm tpm;

  private ModuleTokens() {}

  /** The shared SoftHSM2 store with the module's tokens in it. */
  public static synchronized SoftHsm ready() {
    if (hsm == null) {
      SoftHsm shared = SoftHsm.shared();
      shared.initToken(KEYS, PIN);
      shared.initToken(NEVER_LOGGED_IN, PIN);
      shared.initToken(RENEWAL, PIN);
      shared.initToken(PIN_LIFECYCLE, PIN);
      hsm = shared;
    }
    return hsm;
  }

  /**
   * The shared swtpm with the module's TPM token in it, added once: tpm2-pkcs11, like SoftHSM2,
   * lists its tokens when a process first loads it.
   */
  public static synchronized SwTpm tpmReady() {
    if (tpm == null) {
      SwTpm shared = SwTpm.shared();
      shared.addToken(TPM, TPM_PIN);
      tpm = shared;
    }
    return tpm;
  }
}
