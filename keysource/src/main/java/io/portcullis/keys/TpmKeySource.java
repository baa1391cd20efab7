package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A key in a TPM 2.0 through tpm2-pkcs11: a real TPM via the kernel resource manager ({@code
 * TPM2_PKCS11_TCTI=device:/dev/tpmrm0}) in production, swtpm behind tpm2-abrmd in tests. The
 * library reads its store and TPM connection from the process environment only, and misbehaves
 * quietly when they are unset, so both are checked before the library is loaded.
 */
public final class TpmKeySource implements KeySource {
  private final KeySourceConfig config;
  private final Pkcs11KeySource token;

  public TpmKeySource(KeySourceConfig config) {
    if (config.type() != KeySourceType.TPM) {
      throw new IllegalArgumentException("not a tpm configuration: " + config);
    }
    this.config = config;
    this.token = new Pkcs11KeySource(config);
  }

  @Override
  public KeyMaterial load() throws PortcullisException {
    checkEnvironment(config);
    return token.load();
  }

  /** The PKCS#11 key source underneath, for key generation in the same session. */
  Pkcs11KeySource pkcs11() {
    return token;
  }

  @Override
  public String toString() {
    return "TpmKeySource[" + config + "]";
  }

  /** PRTC0509E unless TPM2_PKCS11_STORE names a directory and TPM2_PKCS11_TCTI is set. */
  static void checkEnvironment(KeySourceConfig config) throws PortcullisException {
    String store = config.environment().get("TPM2_PKCS11_STORE");
    if (store == null || store.isBlank()) {
      throw KeySourceMessage.TPM_ENVIRONMENT.exception(
          "TPM2_PKCS11_STORE",
          "unset; tpm2-pkcs11 would silently use ~/.tpm2_pkcs11 and fail later");
    }
    if (!Files.isDirectory(Path.of(store))) {
      throw KeySourceMessage.TPM_ENVIRONMENT.exception(
          "TPM2_PKCS11_STORE", store + " is not a directory (tpm2_ptool init)");
    }
    String tcti = config.environment().get("TPM2_PKCS11_TCTI");
    if (tcti == null || tcti.isBlank()) {
      throw KeySourceMessage.TPM_ENVIRONMENT.exception(
          "TPM2_PKCS11_TCTI", "unset; use device:/dev/tpmrm0 for the kernel resource manager");
    }
  }
}
