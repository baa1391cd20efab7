package io.portcullis.liberty.state;

import io.portcullis.Heartbeat;
import io.portcullis.auth.Authentication;
import io.portcullis.auth.DecisionCounts;
import io.portcullis.liberty.report.Check;
import io.portcullis.liberty.report.FeatureMetrics;
import io.portcullis.liberty.report.FeatureReport;
import io.portcullis.liberty.report.Sample;
import io.portcullis.renewal.CredentialHealth;
import io.portcullis.renewal.RenewalStatus;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
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
@Component(service = {FeatureReporter.class, FeatureReport.class, FeatureMetrics.class})
public final class FeatureReporter implements FeatureReport, FeatureMetrics {
  /** How often a watched thread beats. */
  static final Duration BEAT = Duration.ofSeconds(15);

  /**
   * How long one task may hold a feature thread before liveness is DOWN: well past every timeout a
   * renewal attempt, a CRL download or a trust reload runs under, so only a thread that will never
   * come back counts.
   */
  public static final Duration WEDGED_AFTER = Duration.ofMinutes(10);

  private static final String SECONDS = "seconds";
  private static final String NONE = "none";

  /** What the interceptor put in force. */
  private record Trust(List<TrustArea> areas, Optional<String> refusal) {}

  /** What the key sources published. */
  private record KeySources(
      Supplier<List<CredentialHealth>> health,
      BooleanSupplier served,
      Supplier<Map<String, RenewalStatus>> renewals,
      Optional<String> refusal) {}

  private final Clock clock;
  private volatile Trust trust;
  private volatile Optional<String> reloadRefused = Optional.empty();
  private volatile KeySources keySources;
  private final Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
  private final Map<String, Function<Instant, List<String>>> threadGroups =
      new ConcurrentHashMap<>();
  private final DecisionCounts decisions = new DecisionCounts();
  private final LongAdder trustReloads = new LongAdder();
  private final LongAdder trustReloadsRefused = new LongAdder();

  public FeatureReporter() {
    this(Clock.systemUTC());
  }

  FeatureReporter(Clock clock) {
    this.clock = clock;
  }

  /** A request was decided: accepted (its caller is who its certificate says) or refused. */
  public void decided(Authentication result) {
    decisions.count(result);
  }

  /** Changed trust files were put in force without a restart. */
  public void trustReloaded() {
    trustReloads.increment();
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
    if (messageId != null) {
      trustReloadsRefused.increment();
    }
  }

  /**
   * The key sources of the configuration in force.
   *
   * @param health judges each key source, in configuration order
   * @param served whether every key source has served a certificate
   * @param renewals what the agent of each key source that renews has done
   */
  public void keySources(
      Supplier<List<CredentialHealth>> health,
      BooleanSupplier served,
      Supplier<Map<String, RenewalStatus>> renewals) {
    keySources = new KeySources(health, served, renewals, Optional.empty());
  }

  /** No key source is in force: the configuration was refused with {@code messageId}. */
  public void keySourcesRefused(String messageId) {
    keySources = new KeySources(List::of, () -> false, Map::of, Optional.of(messageId));
  }

  /** Watches thread {@code name}, the single thread of {@code executor}, until {@link #forget}. */
  public void watch(String name, ScheduledExecutorService executor) {
    heartbeats.put(name, Heartbeat.on(executor, BEAT, clock));
  }

  /**
   * Watches a group of threads that beat by themselves: {@code stalled} names those held longer
   * than the bound it is given, at the time it is given.
   */
  public void watch(String name, BiFunction<Instant, Duration, List<String>> stalled) {
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

  @Override
  public List<Sample> gauges() {
    Instant now = clock.instant();
    List<Sample> gauges = new ArrayList<>();
    KeySources sourcesNow = keySources;
    if (sourcesNow != null) {
      Map<String, RenewalStatus> renewals = sourcesNow.renewals().get();
      for (CredentialHealth health : sourcesNow.health().get()) {
        Map<String, String> tags = Map.of("keysource", health.keySource());
        gauges.add(
            new Sample(
                "portcullis.keysource.up",
                NONE,
                "1 while the key source's readiness check is UP, else 0",
                tags,
                health.up() ? 1 : 0));
        health
            .notAfter()
            .ifPresent(
                notAfter ->
                    gauges.add(
                        new Sample(
                            "portcullis.certificate.expiry",
                            SECONDS,
                            "Seconds until the certificate the key source serves expires"
                                + " (negative once expired)",
                            tags,
                            Duration.between(now, notAfter).toMillis() / 1000.0)));
        Optional.ofNullable(renewals.get(health.keySource()))
            .flatMap(RenewalStatus::lastSuccess)
            .ifPresent(
                renewed ->
                    gauges.add(
                        new Sample(
                            "portcullis.renewal.last.success",
                            SECONDS,
                            "When the key source was last renewed, in seconds since the epoch",
                            tags,
                            renewed.toEpochMilli() / 1000.0)));
      }
    }
    Trust areasNow = trust;
    if (areasNow != null) {
      for (TrustArea area : areasNow.areas()) {
        Map<String, String> tags = Map.of("area", area.name());
        gauges.add(
            new Sample(
                "portcullis.area.up",
                NONE,
                "1 while the trust area's readiness check is UP, else 0",
                tags,
                AreaHealth.of(area, now).up() ? 1 : 0));
        gauges.add(
            new Sample(
                "portcullis.area.anchors",
                NONE,
                "Trust anchors in force for the area",
                tags,
                area.anchors().size()));
        area.revocation().crls().crls().stream()
            .map(crl -> crl.getThisUpdate().toInstant())
            .min(Instant::compareTo)
            .ifPresent(
                oldest ->
                    gauges.add(
                        new Sample(
                            "portcullis.area.crl.age",
                            SECONDS,
                            "Seconds since the thisUpdate of the oldest CRL the area holds",
                            tags,
                            Duration.between(oldest, now).toMillis() / 1000.0)));
      }
    }
    return gauges;
  }

  @Override
  public List<Sample> counters() {
    List<Sample> counters = new ArrayList<>();
    counters.add(
        new Sample(
            "portcullis.requests.accepted",
            NONE,
            "Requests whose caller the feature identified by its certificate",
            Map.of(),
            decisions.acceptedCount()));
    decisions
        .refusedCounts()
        .forEach(
            (id, count) ->
                counters.add(
                    new Sample(
                        "portcullis.requests.refused",
                        NONE,
                        "Requests the feature refused, by the refusal's message ID",
                        Map.of("reason", id),
                        count)));
    counters.add(
        new Sample(
            "portcullis.trust.reloads",
            NONE,
            "Changes of the trust areas' files put in force without a restart",
            Map.of(),
            trustReloads.sum()));
    counters.add(
        new Sample(
            "portcullis.trust.reloads.refused",
            NONE,
            "Changes of the trust areas' files refused (the trust before stayed in force)",
            Map.of(),
            trustReloadsRefused.sum()));
    KeySources sourcesNow = keySources;
    if (sourcesNow != null) {
      sourcesNow
          .renewals()
          .get()
          .forEach(
              (name, status) -> {
                Map<String, String> tags = Map.of("keysource", name);
                counters.add(
                    new Sample(
                        "portcullis.renewal.attempts",
                        NONE,
                        "Renewal attempts of the key source",
                        tags,
                        status.attempts()));
                counters.add(
                    new Sample(
                        "portcullis.renewal.successes",
                        NONE,
                        "Renewals that installed a new certificate",
                        tags,
                        status.successes()));
                status
                    .failuresById()
                    .forEach(
                        (id, count) ->
                            counters.add(
                                new Sample(
                                    "portcullis.renewal.failures",
                                    NONE,
                                    "Failed renewal attempts, by their cause's message ID",
                                    Map.of("keysource", name, "reason", id),
                                    count)));
              });
    }
    return counters;
  }
}
