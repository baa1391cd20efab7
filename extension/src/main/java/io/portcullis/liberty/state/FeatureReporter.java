package io.portcullis.liberty.state;

import io.portcullis.Heartbeat;
import io.portcullis.liberty.report.Check;
import io.portcullis.liberty.report.FeatureReport;
import io.portcullis.renewal.CredentialHealth;
import io.portcullis.trust.AreaHealth;
import io.portcullis.trust.TrustArea;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;

/**
 * Gathers what the feature's components know of their state and judges it into health checks when
 * asked. The interceptor tells it which trust areas are in force (or why none is); the key sources
 * give it a way to judge each key source and whether each has served a certificate; the background
 * threads beat, so a stuck one shows. Nothing here waits: each answer is built from the last state
 * each component published.
 */
@Component(service = {FeatureReporter.class, FeatureReport.class})
public final class FeatureReporter implements FeatureReport {
  /** How often a watched thread beats. */
  static final Duration BEAT = Duration.ofSeconds(15);

  /**
   * How long one task may hold a feature thread before liveness is DOWN: well past every timeout a
   * renewal attempt, a CRL download or a trust reload runs under, so only a thread that will never
   * come back counts.
   */
  public static final Duration WEDGED_AFTER = Duration.ofMinutes(10);

  /** What the interceptor put in force. */
  private record Trust(List<TrustArea> areas, Optional<String> refusal) {}

  /** What the key sources published. */
  private record KeySources(
      Supplier<List<CredentialHealth>> health, BooleanSupplier served, Optional<String> refusal) {}

  private final Clock clock;
  private volatile Trust trust;
  private volatile Optional<String> reloadRefused = Optional.empty();
  private volatile KeySources keySources;
  private final Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
  private final Map<String, Function<Instant, List<String>>> threadGroups =
      new ConcurrentHashMap<>();

  public FeatureReporter() {
    this(Clock.systemUTC());
  }

  FeatureReporter(Clock clock) {
    this.clock = clock;
  }

  /** The areas now in force; a new configuration clears a refused reload. */
  public void trustInForce(List<TrustArea> areas) {
    trust = new Trust(List.copyOf(areas), Optional.empty());
    reloadRefused = Optional.empty();
  }

  /** No area is in force: the configuration was refused with {@code messageId}. */
  public void trustRefused(String messageId) {
    trust = new Trust(List.of(), Optional.of(messageId));
  }

  /**
   * The trust files changed and were refused with {@code messageId}, what was in force stays; or,
   * with {@code null}, they are back to what is in force.
   */
  public void trustReloadRefused(String messageId) {
    reloadRefused = Optional.ofNullable(messageId);
  }

  /**
   * The key sources of the configuration in force.
   *
   * @param health judges each key source, in configuration order
   * @param served whether every key source has served a certificate
   */
  public void keySources(Supplier<List<CredentialHealth>> health, BooleanSupplier served) {
    keySources = new KeySources(health, served, Optional.empty());
  }

  /** No key source is in force: the configuration was refused with {@code messageId}. */
  public void keySourcesRefused(String messageId) {
    keySources = new KeySources(List::of, () -> false, Optional.of(messageId));
  }

  /** Watches thread {@code name}, the single thread of {@code executor}, until {@link #forget}. */
  public void watch(String name, ScheduledExecutorService executor) {
    heartbeats.put(name, Heartbeat.on(executor, BEAT, clock));
  }

  /**
   * Watches a group of threads that beat by themselves: {@code stalled} names those held longer
   * than the bound it is given, at the time it is given.
   */
  public void watch(
      String name, java.util.function.BiFunction<Instant, Duration, List<String>> stalled) {
    threadGroups.put(name, now -> stalled.apply(now, WEDGED_AFTER));
  }

  /** Stops watching {@code name} (its component stopped). */
  public void forget(String name) {
    heartbeats.remove(name);
    threadGroups.remove(name);
  }

  @Override
  public List<Check> readiness() {
    Instant now = clock.instant();
    Trust areasNow = trust;
    KeySources sourcesNow = keySources;
    Optional<String> reload = reloadRefused;
    List<Check> parts = new ArrayList<>();
    if (sourcesNow != null) {
      for (CredentialHealth health : sourcesNow.health().get()) {
        parts.add(
            new Check(PREFIX + "-keysource-" + health.keySource(), health.up(), health.data()));
      }
    }
    if (areasNow != null) {
      for (TrustArea area : areasNow.areas()) {
        AreaHealth health = AreaHealth.of(area, now);
        Map<String, String> data = new LinkedHashMap<>(health.data());
        reload.ifPresent(id -> data.put("reloadRefusedId", id));
        parts.add(new Check(PREFIX + "-area-" + area.name(), health.up(), data));
      }
    }
    Map<String, String> data = new LinkedHashMap<>();
    boolean up = true;
    if (areasNow == null || sourcesNow == null) {
      up = false;
      data.put("configuration", "not loaded yet");
    } else {
      data.put(
          "keySources", String.valueOf(parts.stream().filter(c -> isKind(c, "keysource")).count()));
      data.put("areas", String.valueOf(areasNow.areas().size()));
      if (areasNow.refusal().isPresent() || sourcesNow.refusal().isPresent()) {
        up = false;
        data.put(
            "configurationRefusedId", areasNow.refusal().or(sourcesNow::refusal).orElseThrow());
      }
    }
    reload.ifPresent(id -> data.put("reloadRefusedId", id));
    List<String> down = new ArrayList<>();
    for (Check part : parts) {
      if (!part.up()) {
        up = false;
        down.add(part.name() + " (" + part.data().getOrDefault("downId", "unknown") + ")");
      }
    }
    if (!down.isEmpty()) {
      data.put("down", String.join(", ", down));
    }
    List<Check> checks = new ArrayList<>();
    checks.add(new Check(PREFIX, up, data));
    checks.addAll(parts);
    return checks;
  }

  private static boolean isKind(Check check, String kind) {
    return check.name().startsWith(PREFIX + "-" + kind + "-");
  }

  @Override
  public Check liveness() {
    Instant now = clock.instant();
    List<String> stalled = new ArrayList<>();
    heartbeats.forEach(
        (name, heartbeat) -> {
          if (heartbeat.stalled(now, WEDGED_AFTER)) {
            stalled.add(name + " (last ran " + heartbeat.last() + ")");
          }
        });
    threadGroups.forEach(
        (name, group) -> group.apply(now).forEach(member -> stalled.add(name + "-" + member)));
    Map<String, String> data = new LinkedHashMap<>();
    data.put("threads", String.valueOf(heartbeats.size() + threadGroups.size()));
    if (!stalled.isEmpty()) {
      data.put("stalled", String.join(", ", stalled));
      data.put("stalledFor", "more than " + WEDGED_AFTER.toMinutes() + " minutes");
    }
    return new Check(PREFIX + "-live", stalled.isEmpty(), data);
  }

  @Override
  public Check startup() {
    Trust areasNow = trust;
    KeySources sourcesNow = keySources;
    Map<String, String> data = new LinkedHashMap<>();
    boolean configured = areasNow != null && sourcesNow != null;
    data.put("configuration", configured ? "loaded" : "not loaded yet");
    boolean served = configured && sourcesNow.served().getAsBoolean();
    if (configured) {
      data.put("keySourcesServed", String.valueOf(served));
      areasNow
          .refusal()
          .or(sourcesNow::refusal)
          .ifPresent(id -> data.put("configurationRefusedId", id));
    }
    boolean up = served && areasNow.refusal().isEmpty() && sourcesNow.refusal().isEmpty();
    return new Check(PREFIX + "-started", up, data);
  }
}
