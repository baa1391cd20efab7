package io.portcullis.auth;

import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.messages.MessageId;
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

  /** Whether a refused caller was never established, or established and not let in. */
  enum Kind {
    /** No trusted identity: no or unreadable certificate, untrusted chain, bad configuration. */
    UNAUTHENTICATED,
    /** A trusted caller the role rules refuse (a deny rule, or unmatched callers refused). */
    FORBIDDEN
  }

  /**
   * The request is refused; {@code reason} starts with the message ID.
   *
   * @param kind whether the caller was identified (HTTP 403) or not (401)
   * @param message the message whose ID names the reason
   * @param reason the operator-readable reason
   */
  record Refused(Kind kind, MessageId message, String reason) implements Authentication {
    public Refused {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(reason, "reason");
    }

    /** The {@code PRTCnnnnX} ID of the reason. */
    public String messageId() {
      return message.id();
    }

    /**
     * Whether the caller was identified but is not allowed in (a deny rule, or no rule and
     * unmatched callers refused): HTTP 403 rather than 401.
     */
    public boolean forbidden() {
      return kind == Kind.FORBIDDEN;
    }

    /** No trusted identity was established; {@code messageId} formatted with {@code args}. */
    static Refused unauthenticated(MessageId message, Object... args) {
      return new Refused(Kind.UNAUTHENTICATED, message, message.format(args));
    }

    /** A trusted caller the rules do not let in; {@code messageId} formatted with {@code args}. */
    static Refused forbidden(MessageId message, Object... args) {
      return new Refused(Kind.FORBIDDEN, message, message.format(args));
    }
  }
}
