package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;

/**
 * Where a TLS identity's key and certificate chain come from. One job: load the current material,
 * validated (the certificate certifies the private key), ready for a {@link SwappableKeyManager}.
 * Each call reads the store again, so a rotated key or a renewed certificate shows up.
 */
public interface KeySource {
  KeyMaterial load() throws PortcullisException;

  /** The key source {@code config} describes; nothing is opened until {@link #load()}. */
  static KeySource of(KeySourceConfig config) {
    return switch (config.type()) {
      case PKCS12 -> new Pkcs12KeySource(config);
      case PKCS11 -> new Pkcs11KeySource(config);
      case TPM -> new TpmKeySource(config);
      case PEM -> new PemKeySource(config);
    };
  }
}
