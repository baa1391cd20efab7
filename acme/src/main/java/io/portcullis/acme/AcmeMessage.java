package io.portcullis.acme;

import io.portcullis.messages.MessageCatalog;
import io.portcullis.messages.MessageId;

/**
 * The ACME issuer's messages, {@code PRTC06xx}. Each constant names one ID of {@code
 * io/portcullis/acme/AcmeMessages.properties}.
 */
public enum AcmeMessage implements MessageId {
  /** The ACME server {0} could not complete the renewal of serial {1} at {2}: {3}. */
  SERVER_FAILED("PRTC0601E"),
  /** The certificate {0} names no DNS name, so an ACME server cannot renew it. */
  NO_DNS_NAME("PRTC0602E"),
  /** The certificate {0} carries the URI name(s) {1}, which an ACME certificate cannot carry... */
  URI_NAMES_LOST("PRTC0603E"),
  /** The ACME server {0} wants the name {1} proven, and no acmeHttpPort is set to answer its... */
  CHALLENGE_UNANSWERABLE("PRTC0604E"),
  /** The ACME server {0} did not accept the proof for {1}: {2} */
  AUTHORIZATION_FAILED("PRTC0605E"),
  /** The ACME server {0} issued a certificate for {1} where {2} was ordered. */
  NAMES_CHANGED("PRTC0606E"),
  /** The ACME account key {0} cannot be used: {1} */
  ACCOUNT_KEY_UNUSABLE("PRTC0607E"),
  /** Made the ACME account key {0} (P-256, mode 0600). */
  ACCOUNT_KEY_MADE("PRTC0608I");

  private static final MessageCatalog CATALOG =
      new MessageCatalog("io.portcullis.acme.AcmeMessages", AcmeMessage.class, "PRTC06\\d{2}[IWE]");

  private final String id;

  AcmeMessage(String id) {
    this.id = id;
  }

  /** The catalog of this module's messages. */
  public static MessageCatalog messages() {
    return CATALOG;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public MessageCatalog catalog() {
    return CATALOG;
  }
}
