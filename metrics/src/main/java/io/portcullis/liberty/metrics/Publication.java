package io.portcullis.liberty.metrics;

import io.portcullis.liberty.report.FeatureMetrics;
import io.portcullis.liberty.report.Sample;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The feature's metrics in one MicroProfile Metrics registry. Gauges read the values of the last
 * synchronisation; counters receive what the feature counted since the last one. The feature counts
 * by itself (a {@code LongAdder} per series, nothing allocated per request), and this copies its
 * counts every {@link #EVERY_SECONDS} seconds, so a scrape sees them at most that late.
 */
final class Publication {
  /** The registry scope: {@code /metrics?scope=portcullis}, {@code mp_scope="portcullis"}. */
  static final String SCOPE = "portcullis";

  /** How often the registry is brought up to date. */
  static final long EVERY_SECONDS = 5;

  /** The timer of full validations, fed by the request threads rather than copied. */
  static final String VALIDATION_TIME = "portcullis.validation.duration";

  private static final Logger LOG = Logger.getLogger(Publication.class.getName());

  private static volatile FeatureMetrics source;
  private static Object holder;
  private static ScheduledExecutorService thread;

  /** What each counter had when last copied, by series: kept across applications. */
  private static final Map<MetricID, Long> COPIED = new HashMap<>();

  /** The gauges' values at the last copy, by series. */
  private static final Map<MetricID, Double> GAUGES = new ConcurrentHashMap<>();

  private Publication() {}

  /** The feature's metrics, or {@code null} when the feature stopped. */
  static void use(FeatureMetrics metrics) {
    source = metrics;
  }

  /** Starts publishing into {@code registry} for {@code application}, unless another does. */
  static synchronized void start(Object application, MetricRegistry registry) {
    if (holder != null || source == null) {
      return;
    }
    holder = application;
    thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread daemon = new Thread(task, "portcullis-metrics");
              daemon.setDaemon(true);
              return daemon;
            });
    thread.scheduleWithFixedDelay(() -> copy(registry), 0, EVERY_SECONDS, TimeUnit.SECONDS);
    Timer timer =
        registry.timer(
            Metadata.builder()
                .withName(VALIDATION_TIME)
                .withDescription(
                    "How long a full validation of a presented chain took (one the cache of"
                        + " accepted chains did not answer)")
                .build());
    source.recordValidationTimes(nanos -> timer.update(Duration.ofNanos(nanos)));
  }

  /** {@code application} stopped: publishing stops until the next application starts. */
  static synchronized void stop(Object application) {
    if (holder != application) {
      return;
    }
    holder = null;
    FeatureMetrics metrics = source;
    if (metrics != null) {
      metrics.recordValidationTimes(nanos -> {});
    }
    thread.shutdownNow();
    thread = null;
  }

  private static void copy(MetricRegistry registry) {
    FeatureMetrics metrics = source;
    if (metrics == null) {
      return;
    }
    try {
      copyGauges(metrics, registry);
      copyCounters(metrics, registry);
    } catch (RuntimeException e) {
      // The next copy tries again; a registry that refuses a series must not stop the others.
      LOG.log(Level.FINE, "Portcullis metrics not copied", e);
    }
  }

  private static void copyGauges(FeatureMetrics metrics, MetricRegistry registry) {
    Set<MetricID> seen = new HashSet<>();
    for (Sample sample : metrics.gauges()) {
      MetricID id = new MetricID(sample.name(), tags(sample));
      seen.add(id);
      if (GAUGES.put(id, sample.value()) == null) {
        registry.gauge(
            metadata(sample), () -> GAUGES.getOrDefault(id, Double.NaN), id.getTagsAsArray());
      }
    }
    for (MetricID gone : new HashSet<>(GAUGES.keySet())) {
      if (!seen.contains(gone)) {
        GAUGES.remove(gone);
        registry.remove(gone);
      }
    }
  }

  private static synchronized void copyCounters(FeatureMetrics metrics, MetricRegistry registry) {
    for (Sample sample : metrics.counters()) {
      MetricID id = new MetricID(sample.name(), tags(sample));
      long now = (long) sample.value();
      long before = COPIED.getOrDefault(id, 0L);
      // A count that went down started again (a key source's new configuration): all of it is new.
      long delta = now >= before ? now - before : now;
      var counter = registry.counter(metadata(sample), id.getTagsAsArray());
      if (delta > 0) {
        counter.inc(delta);
      }
      COPIED.put(id, now);
    }
  }

  private static Metadata metadata(Sample sample) {
    return Metadata.builder()
        .withName(sample.name())
        .withDescription(sample.description())
        .withUnit(sample.unit())
        .build();
  }

  private static Tag[] tags(Sample sample) {
    return sample.tags().entrySet().stream()
        .map(tag -> new Tag(tag.getKey(), tag.getValue()))
        .toArray(Tag[]::new);
  }
}
