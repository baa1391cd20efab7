package io.portcullis.testing;

import io.portcullis.trust.TrustDecision;

/** What tests read from a decision whichever way it went, so a wrong turn shows in the failure. */
public final class Decisions {
  private Decisions() {}

  /** The refusal's message ID, or {@code ACCEPT} when the chain was accepted. */
  public static String id(TrustDecision decision) {
    return decision instanceof TrustDecision.Rejected rejected ? rejected.messageId() : "ACCEPT";
  }

  /** The accepting area, or the refusal's reason when the chain was refused. */
  public static String area(TrustDecision decision) {
    return decision instanceof TrustDecision.Accepted accepted
        ? accepted.area()
        : decision.explain();
  }
}
