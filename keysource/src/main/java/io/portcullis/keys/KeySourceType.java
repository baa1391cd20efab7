package io.portcullis.keys;

import java.util.Locale;

/** The kinds of key source, by the value of the {@code type} attribute. */
public enum KeySourceType {
  PKCS12,
  PKCS11,
  TPM,
  /** A certificate chain file and a key file, in PEM (as outside managers write them). */
  PEM;

  static KeySourceType parse(String value) throws io.portcullis.messages.PortcullisException {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "type=" + value + " is not one of pkcs12, pkcs11, tpm, pem");
    }
  }
}
