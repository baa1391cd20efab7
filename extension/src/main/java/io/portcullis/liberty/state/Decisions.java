package io.portcullis.liberty.state;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests the feature accepted and refused, the refusals by message ID. Counting costs a
 * {@link LongAdder} increment (and, for a refusal, a map lookup): nothing allocated once an ID has
 * been seen. Labels are message IDs only, never a name, path or certificate field, and at most
 * {@link #MOST_REASONS} of them: a further ID (none exists in the catalog today) counts as {@code
 * other}.
 */
final class Decisions {
  /** The most distinct refusal IDs counted one by one. */
  static final int MOST_REASONS = 64;

  static final String OTHER = "other";

  private final LongAdder accepted = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> refused = new ConcurrentHashMap<>();

  void accepted() {
    accepted.increment();
  }

  void refused(String messageId) {
    LongAdder count = refused.get(messageId);
    if (count == null) {
      String key = refused.size() < MOST_REASONS ? messageId : OTHER;
      count = refused.computeIfAbsent(key, k -> new LongAdder());
    }
    count.increment();
  }

  long acceptedCount() {
    return accepted.sum();
  }

  /** Refusals so far by message ID, in ID order. */
  Map<String, Long> refusedCounts() {
    Map<String, Long> counts = new TreeMap<>();
    refused.forEach((id, count) -> counts.put(id, count.sum()));
    return counts;
  }
}
