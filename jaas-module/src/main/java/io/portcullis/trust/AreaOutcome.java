package io.portcullis.trust;

import java.time.Instant;

/**
 * One area's answer: its decision, whether the rejection is specific to a chain the area
 * recognised, and until when an acceptance may be cached.
 */
record AreaOutcome(TrustDecision decision, boolean specific, Instant validUntil) {
  static AreaOutcome unrecognised(String why) {
    return new AreaOutcome(new TrustDecision(false, "", "", why), false, Instant.MIN);
  }

  static AreaOutcome rejected(TrustDecision decision) {
    return new AreaOutcome(decision, true, Instant.MIN);
  }
}
