package io.portcullis.messages;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Logs refusals a remote party can cause at will without letting them flood the log: the first
 * refusal for a reason ID in an interval is logged in full, the others in that interval are only
 * counted, and one summary line ({@code PRTC0317W}) gives their number and the last one's caller
 * and target once the interval is over. However many requests are refused, the log grows by at most
 * two lines per reason ID and interval; the metrics count every refusal.
 *
 * <p>Whatever the caller chose (a request path, a certificate's names) is {@link #cut} to a bounded
 * length with control characters replaced, so one line stays one bounded line. Reason IDs come from
 * the message catalog; at most {@link #MOST_REASONS} are tracked apart, any further ones together.
 */
public final class RefusalLog {
  /** How long a reason stays quiet after its line, unless configured otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  /** Characters kept of anything the caller chose. */
  public static final int MOST_CHOSEN = 256;

  /** Characters kept of a whole line. */
  public static final int MOST_LINE = 2048;

  static final int MOST_REASONS = 64;
  private static final String OTHER = "other";
  private static final long SWEEP_NANOS = 1_000_000_000L;

  /** One reason's interval: when its line was logged, and what was held back since. */
  private static final class Window {
    final long start;
    long heldBack;
    String lastFrom = "";
    String lastTo = "";

    Window(long start) {
      this.start = start;
    }
  }

  private final Consumer<String> sink;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private volatile long intervalNanos;
  private volatile long lastSweep;

  /**
   * @param sink where lines go (a logger's warning)
   * @param interval how long a reason stays quiet after its line; at least a second
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  public RefusalLog(Consumer<String> sink, Duration interval, LongSupplier nanoTime) {
    this.sink = sink;
    this.nanoTime = nanoTime;
    interval(interval);
    this.lastSweep = nanoTime.getAsLong();
  }

  /** Changes the interval from now on (a new configuration). */
  public void interval(Duration interval) {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a refusal log interval under 1 s: " + interval);
    }
    intervalNanos = interval.toNanos();
  }

  /**
   * A request from {@code from} for {@code to} was refused with {@code reasonId}: logs {@code line}
   * (made only if logged) when the reason has been quiet for an interval, else counts it.
   */
  public void refused(String reasonId, String from, String to, Supplier<String> line) {
    long now = nanoTime.getAsLong();
    String key = windows.containsKey(reasonId) || windows.size() < MOST_REASONS ? reasonId : OTHER;
    boolean logNow = false;
    String summary = null;
    synchronized (this) {
      Window window = windows.get(key);
      if (window == null || now - window.start >= intervalNanos) {
        if (window != null) {
          summary = summary(key, window);
        }
        windows.put(key, new Window(now));
        logNow = true;
      } else {
        window.heldBack++;
        window.lastFrom = from;
        window.lastTo = to;
      }
    }
    if (summary != null) {
      sink.accept(summary);
    }
    if (logNow) {
      sink.accept(cut(line.get(), MOST_LINE));
    }
    if (now - lastSweep >= SWEEP_NANOS) {
      flush();
    }
  }

  /**
   * Logs the summary of every interval that has ended with refusals held back, and forgets the
   * intervals that have ended. Called now and then (a background tick, or the next refusal).
   */
  public void flush() {
    long now = nanoTime.getAsLong();
    lastSweep = now;
    java.util.List<String> summaries = new java.util.ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Window> entry = it.next();
        if (now - entry.getValue().start >= intervalNanos) {
          String summary = summary(entry.getKey(), entry.getValue());
          if (summary != null) {
            summaries.add(summary);
          }
          it.remove();
        }
      }
    }
    summaries.forEach(sink);
  }

  private String summary(String reasonId, Window window) {
    if (window.heldBack == 0) {
      return null;
    }
    return cut(
        CoreMessage.REFUSALS_HELD_BACK.format(
            window.heldBack,
            reasonId,
            Duration.ofNanos(intervalNanos).toSeconds(),
            cut(window.lastFrom, MOST_CHOSEN),
            cut(window.lastTo, MOST_CHOSEN)),
        MOST_LINE);
  }

  /**
   * {@code text} as one line of at most {@code most} characters: control characters become {@code
   * ?}, and a longer text is cut, saying how much was left out.
   */
  public static String cut(String text, int most) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), most) + 32);
    int length = Math.min(text.length(), most);
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (text.length() > most) {
      out.append("...(").append(text.length() - most).append(" more characters)");
    }
    return out.toString();
  }
}
