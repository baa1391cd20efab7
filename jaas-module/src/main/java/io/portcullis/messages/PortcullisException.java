package io.portcullis.messages;

/**
 * The one checked root exception of the Portcullis libraries. It always carries a message ID so the
 * operator sees what happened and what to do; adapters translate it to {@code
 * CertificateException}, {@code LoginException} or {@code AuthException} at their boundary. Raise
 * it through a module's named messages ({@code CoreMessage.EXPIRED.exception(...)}).
 */
public class PortcullisException extends Exception {
  private static final long serialVersionUID = 1L;

  private final MessageId id;

  /** An exception carrying {@code message} of its module's catalog. */
  public PortcullisException(MessageId message, Throwable cause, Object... args) {
    super(message.format(args), cause);
    this.id = message;
  }

  /** The message this exception carries. */
  public MessageId id() {
    return id;
  }

  /** The {@code PRTCnnnnX} ID of this exception's message. */
  public String messageId() {
    return id.id();
  }
}
