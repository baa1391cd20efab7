package io.portcullis.trust;

import java.time.Instant;

/** One area's answer to a presented chain. */
sealed interface AreaOutcome {

  /**
   * The area vouches for the chain.
   *
   * @param decision the acceptance
   * @param validUntil until when the acceptance may be cached
   */
  record Vouched(TrustDecision.Accepted decision, Instant validUntil) implements AreaOutcome {}

  /**
   * The area recognised the chain as one of its own and refuses it: this reason is the one the
   * caller hears, whatever other areas say.
   */
  record Refused(TrustDecision.Rejected decision) implements AreaOutcome {}

  /** The chain is none of this area's business; {@code why} says so for the combined reason. */
  record NotOurs(String why) implements AreaOutcome {}

  static AreaOutcome unrecognised(String why) {
    return new NotOurs(why);
  }

  static AreaOutcome rejected(TrustDecision.Rejected decision) {
    return new Refused(decision);
  }
}
