package io.portcullis.messages;

/**
 * The core's messages: {@code PRTC01xx} (trust), {@code PRTC02xx} (rules and authentication),
 * {@code PRTC03xx} (adapters) and {@code PRTC07xx} (configuration). The CA and the key sources keep
 * their own catalogs ({@code CaMessage}, {@code KeySourceMessage}).
 */
public final class Messages {
  /** The core's catalog. */
  public static final MessageCatalog CORE =
      new MessageCatalog(
          "io.portcullis.messages.PortcullisMessages", Messages.class, "PRTC0[1237]\\d{2}[IWE]");

  private Messages() {}

  /**
   * Formats core message {@code id} with {@code args}. The result starts with the ID followed by a
   * colon, as Liberty's own messages do, so log scanners and tests match on the ID alone.
   */
  public static String format(String id, Object... args) {
    return CORE.format(id, args);
  }

  /** The explanation text for core message {@code id}, or an empty string when there is none. */
  public static String explanation(String id) {
    return CORE.explanation(id);
  }

  /** The user action text for core message {@code id}, or an empty string when there is none. */
  public static String userAction(String id) {
    return CORE.userAction(id);
  }
}
