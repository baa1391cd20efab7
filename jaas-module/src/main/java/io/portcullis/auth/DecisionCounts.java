package io.portcullis.auth;

import io.portcullis.Tally;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests an adapter accepted and refused, the refusals by message ID, for metrics. An
 * acceptance costs a {@link Tally} increment, no atomic instruction; a refusal a map lookup and a
 * {@link LongAdder} increment. Nothing is allocated once an ID has been seen. Labels are message
 * IDs only, never a name, path or certificate field, and at most {@link #MOST_REASONS} of them: a
 * further ID (none exists in the catalog today) counts as {@code other}.
 */
public final class DecisionCounts {
  /** The most distinct refusal IDs counted one by one. */
  public static final int MOST_REASONS = 64;

  /** The label of refusals past the first {@link #MOST_REASONS} IDs. */
  public static final String OTHER = "other";

  private final Tally accepted = new Tally();
  private final ConcurrentHashMap<String, LongAdder> refused = new ConcurrentHashMap<>();

  /** Counts {@code result}: accepted, or refused with its message ID. */
  public void count(Authentication result) {
    if (result instanceof Authentication.Refused refusal) {
      refused(refusal.messageId());
    } else {
      accepted();
    }
  }

  /** Counts one accepted request. */
  public void accepted() {
    accepted.increment();
  }

  /** Counts one request refused with {@code messageId}. */
  public void refused(String messageId) {
    LongAdder count = refused.get(messageId);
    if (count == null) {
      String key = refused.size() < MOST_REASONS ? messageId : OTHER;
      count = refused.computeIfAbsent(key, k -> new LongAdder());
    }
    count.increment();
  }

  /** Accepted requests so far. */
  public long acceptedCount() {
    return accepted.sum();
  }

  /** Refusals so far by message ID, in ID order. */
  public Map<String, Long> refusedCounts() {
    Map<String, Long> counts = new TreeMap<>();
    refused.forEach((id, count) -> counts.put(id, count.sum()));
    return counts;
  }
}
