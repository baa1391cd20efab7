package io.portcullis.messages;

/**
 * The core's message catalog: {@code PRTC01xx} (trust), {@code PRTC02xx} (identity and rules),
 * {@code PRTC03xx} (adapters) and {@code PRTC07xx} (configuration), named by {@link CoreMessage}.
 * The CA and the key sources keep their own catalogs ({@code CaMessage}, {@code KeySourceMessage}).
 */
public final class Messages {
  /** The core's catalog. */
  public static final MessageCatalog CORE =
      new MessageCatalog(
          "io.portcullis.messages.PortcullisMessages", Messages.class, "PRTC0[1237]\\d{2}[IWE]");

  private Messages() {}
}
