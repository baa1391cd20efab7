package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bounds how fast refusals can grow the audit log. A caller of {@code ca serve} can have requests
 * refused at will (a wrong join token, a bad proof), from as many addresses as it has, past the
 * per-client limit. So the first refusal for a reason and workload in an interval is an entry of
 * its own; the others in that interval are counted, and one {@code refuse-summary} entry gives
 * their number, the first and last time and the last operator once the interval is over. However
 * many requests are refused, the log grows by at most two entries per reason, workload and
 * interval; at most {@link #MOST_KEYS} reasons and workloads are told apart, any further ones
 * together. A clock that moves back ends the interval.
 */
final class RefusalWindows {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  static final int MOST_KEYS = 256;
  private static final Key OTHER = new Key("other", null);

  private record Key(String messageId, String workload) {}

  private static final class Window {
    final Instant start;
    long heldBack;
    Instant first;
    Instant last;
    String lastOperator;
    String area;

    Window(Instant start) {
      this.start = start;
    }
  }

  private final Map<Key, Window> windows = new LinkedHashMap<>();
  private final Duration interval;

  RefusalWindows(Duration interval) {
    this.interval = Objects.requireNonNull(interval);
  }

  private boolean ended(Window window, Instant now) {
    return now.isBefore(window.start) || !now.isBefore(window.start.plus(interval));
  }

  /**
   * Whether a refusal with {@code messageId} for {@code workload} at {@code now} gets an entry of
   * its own; when not, it is counted for its window's summary.
   */
  synchronized boolean admit(
      String messageId, String workload, String area, String operator, Instant now) {
    Key key = new Key(messageId, workload);
    if (!windows.containsKey(key) && windows.size() >= MOST_KEYS) {
      key = OTHER;
    }
    Window window = windows.get(key);
    if (window == null || ended(window, now)) {
      // The ended window's summary was taken by due() before this refusal.
      windows.put(key, new Window(now));
      return true;
    }
    if (window.heldBack++ == 0) {
      window.first = now;
    }
    window.last = now;
    window.lastOperator = operator;
    window.area = area;
    return false;
  }

  /**
   * The summaries of the windows that have ended with refusals held back; forgets those windows.
   */
  synchronized List<Entry> due(Instant now) {
    return take(now, false);
  }

  /** The summaries of every window with refusals held back, ended or not (the CA stops serving). */
  synchronized List<Entry> all(Instant now) {
    return take(now, true);
  }

  private List<Entry> take(Instant now, boolean every) {
    List<Entry> summaries = new ArrayList<>();
    for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Window> entry = it.next();
      Window window = entry.getValue();
      if (every || ended(window, now)) {
        if (window.heldBack > 0) {
          Key key = entry.getKey();
          summaries.add(
              Entry.refusalsHeldBack(
                  now,
                  window.lastOperator,
                  key.workload(),
                  window.area,
                  key.messageId(),
                  "count="
                      + window.heldBack
                      + " first="
                      + window.first
                      + " last="
                      + window.last
                      + " interval="
                      + interval.toSeconds()
                      + "s"));
        }
        it.remove();
      }
    }
    return summaries;
  }
}
