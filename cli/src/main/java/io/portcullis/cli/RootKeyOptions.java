package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.RootKey;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import picocli.CommandLine;

/** Where the offline root key is: a PKCS#12 file or a PKCS#11 token (ceremony commands only). */
final class RootKeyOptions {
  @CommandLine.Option(
      names = "--root-key",
      description = "The root key's PKCS#12 file (on the offline medium).")
  Path pkcs12;

  @CommandLine.Option(
      names = "--root-passphrase-env",
      defaultValue = "PORTCULLIS_ROOT_PASSPHRASE",
      description =
          "Environment variable holding the root key passphrase (default: ${DEFAULT-VALUE});"
              + " prompted for at a terminal when unset.")
  String passphraseEnv;

  @CommandLine.Option(
      names = "--root-passphrase-file",
      description = "A file (0600, on the offline medium) holding the passphrase, instead.")
  Path passphraseFile;

  @CommandLine.Option(
      names = "--root-pkcs11-config",
      description = "A SunPKCS11 configuration file for the token holding the root key.")
  Path pkcs11Config;

  @CommandLine.Option(
      names = "--root-pin-env",
      defaultValue = "PORTCULLIS_ROOT_PIN",
      description = "Environment variable holding the token PIN (default: ${DEFAULT-VALUE}).")
  String pinEnv;

  @CommandLine.Option(
      names = "--root-alias",
      defaultValue = "portcullis-root",
      description = "The root key's label in the token (default: ${DEFAULT-VALUE}).")
  String alias;

  /** The spec, or null when no root key option was given (then the key is absent). */
  RootKeySpec spec(boolean creating) throws PortcullisException {
    if (pkcs12 != null && pkcs11Config != null) {
      throw CaMessage.VALUE_INVALID.exception(
          "root key", "--root-key with --root-pkcs11-config", "one of them");
    }
    if (pkcs11Config != null) {
      return new RootKeySpec.Pkcs11(
          pkcs11Config, CaSupport.secret("Token PIN", pinEnv, false), alias);
    }
    if (pkcs12 != null) {
      char[] passphrase =
          passphraseFile != null
              ? CaSupport.readSecret(passphraseFile, "the root key passphrase").toCharArray()
              : CaSupport.secret("Root key passphrase", passphraseEnv, creating);
      return new RootKeySpec.Pkcs12(
          pkcs12,
          creating ? CaSupport.strongEnough(passphrase, "root key passphrase") : passphrase);
    }
    return null;
  }

  /** Opens the root key; {@code PRTC0405E} when no option names it. */
  RootKey open(String recordedLocation) throws PortcullisException {
    RootKeySpec spec = spec(false);
    if (spec == null) {
      throw CaMessage.ROOT_KEY_NEEDED.exception(
          "give --root-key or --root-pkcs11-config; " + "recorded at init: " + recordedLocation);
    }
    return RootKey.open(spec);
  }
}
