package io.portcullis.trust;

import io.portcullis.messages.MessageId;
import java.util.Objects;

/**
 * The outcome of validating a presented chain: {@link Accepted} with the area that vouched for it,
 * or {@link Rejected} with the message that says why. Never a bare exception text.
 */
public sealed interface TrustDecision {

  /**
   * The chain is trusted.
   *
   * @param area the accepting area's name
   */
  record Accepted(String area) implements TrustDecision {
    public Accepted {
      Objects.requireNonNull(area, "area");
    }

    @Override
    public String explain() {
      return "accepted by area " + area;
    }
  }

  /**
   * The chain is not trusted.
   *
   * @param message the message whose ID names the reason
   * @param reason the formatted message, starting with the ID
   */
  record Rejected(MessageId message, String reason) implements TrustDecision {
    public Rejected {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(reason, "reason");
    }

    /** The {@code PRTCnnnnX} ID of the reason. */
    public String messageId() {
      return message.id();
    }

    @Override
    public String explain() {
      return reason;
    }
  }

  /** Whether the chain is trusted. */
  default boolean accepted() {
    return this instanceof Accepted;
  }

  /** One line for an operator: the accepting area, or the reason with its ID. */
  String explain();

  static Accepted accept(String area) {
    return new Accepted(area);
  }

  static Rejected reject(MessageId message, Object... args) {
    return new Rejected(message, message.format(args));
  }
}
