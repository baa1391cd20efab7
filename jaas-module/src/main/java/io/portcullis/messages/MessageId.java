package io.portcullis.messages;

import java.io.Serializable;

/**
 * A message of a module, named: each module lists its messages as an enum implementing this, so a
 * call site raises {@code CaMessage.AREA_UNKNOWN.exception(name)} rather than spelling an ID.
 */
public interface MessageId extends Serializable {
  /** The {@code PRTCnnnnX} ID. */
  String id();

  /** The catalog that holds the text. */
  MessageCatalog catalog();

  /** The message text, starting with the ID. */
  default String format(Object... args) {
    return catalog().format(id(), args);
  }

  /** An exception carrying this message. */
  default PortcullisException exception(Object... args) {
    return new PortcullisException(this, null, args);
  }

  /** An exception carrying this message, caused by {@code cause}. */
  default PortcullisException causedBy(Throwable cause, Object... args) {
    return new PortcullisException(this, cause, args);
  }

  /** Whether {@code e} carries this message. */
  default boolean is(PortcullisException e) {
    return equals(e.id());
  }
}
