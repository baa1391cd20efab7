package io.portcullis.trust;

import io.portcullis.messages.MessageId;
import java.util.Objects;

/**
 * The outcome of validating a presented chain: ACCEPT with the area that vouched for it, or REJECT
 * with a message ID and an operator-readable reason. Never a bare exception text.
 *
 * @param accepted whether the chain is trusted
 * @param area the accepting area's name; empty when rejected
 * @param messageId the {@code PRTCnnnnX} ID of the reason; empty when accepted
 * @param reason the formatted message, starting with the ID; empty when accepted
 */
public record TrustDecision(boolean accepted, String area, String messageId, String reason) {

  public TrustDecision {
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(reason, "reason");
  }

  public static TrustDecision accept(String area) {
    return new TrustDecision(true, area, "", "");
  }

  public static TrustDecision reject(MessageId message, Object... args) {
    return new TrustDecision(false, "", message.id(), message.format(args));
  }
}
