package io.portcullis.auth;

import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.messages.Messages;
import java.util.Objects;
import java.util.Set;

/** The outcome of authenticating one request's certificate chain. */
public sealed interface Authentication {

  /**
   * The chain was trusted and the caller is {@code identity} with {@code groups}.
   *
   * @param identity the verified caller
   * @param groups the groups granted by role rules, sorted
   */
  record Authenticated(WorkloadIdentity identity, Set<String> groups) implements Authentication {
    public Authenticated {
      Objects.requireNonNull(identity, "identity");
      groups = Set.copyOf(groups);
    }
  }

  /**
   * The request is refused; {@code reason} starts with the message ID.
   *
   * @param messageId the {@code PRTCnnnnX} ID
   * @param reason the operator-readable reason
   */
  record Refused(String messageId, String reason) implements Authentication {
    public Refused {
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Whether the caller was identified but is not allowed in (a deny rule, or no rule and
     * unmatched callers refused): HTTP 403 rather than 401.
     */
    public boolean forbidden() {
      return FORBIDDEN.contains(messageId);
    }

    private static final Set<String> FORBIDDEN = Set.of("PRTC0204E", "PRTC0205E");

    static Refused of(String messageId, Object... args) {
      return new Refused(messageId, Messages.format(messageId, args));
    }
  }
}
