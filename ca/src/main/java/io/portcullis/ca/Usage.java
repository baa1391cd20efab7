package io.portcullis.ca;

import io.portcullis.messages.PortcullisException;
import java.util.Locale;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** What a workload's certificate may be used for: its extended key usages. */
public enum Usage {
  /** TLS server: id-kp-serverAuth. */
  SERVER(KeyPurposeId.id_kp_serverAuth),
  /** TLS client: id-kp-clientAuth. */
  CLIENT(KeyPurposeId.id_kp_clientAuth);

  private final KeyPurposeId purpose;

  Usage(KeyPurposeId purpose) {
    this.purpose = purpose;
  }

  KeyPurposeId purpose() {
    return purpose;
  }

  /** {@code server} or {@code client} (case-insensitive). */
  public static Usage parse(String text) throws PortcullisException {
    String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (Usage usage : values()) {
      if (usage.name().equals(wanted)) {
        return usage;
      }
    }
    throw CaMessage.VALUE_INVALID.exception("usage", text, "server, client");
  }
}
