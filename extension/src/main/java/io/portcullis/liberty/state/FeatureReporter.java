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
import io.portcullis.trust.ValidationStats;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;
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
      Function<String, Optional<Instant>> servedSince,
      Optional<String> refusal) {}

  /** How long one judgement of readiness answers the checks asked one by one. */
  static final Duration JUDGEMENT_REUSE = Duration.ofSeconds(1);

  /** A judgement of readiness, when it was made and over which reported state. */
  private record Judged(Instant at, long version, List<Check> checks) {}

  private final Clock clock;

  /** Counts what the components reported, so a judgement made before a report is not reused. */
  private final AtomicLong changes = new AtomicLong();

  private volatile Judged lastReadiness;
  private volatile Trust trust;
  private volatile Optional<String> reloadRefused = Optional.empty();
  private volatile KeySources keySources;
  private final Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
  private final Map<String, Function<Instant, List<String>>> threadGroups =
      new ConcurrentHashMap<>();
  private final DecisionCounts decisions = new DecisionCounts();
  private final ValidationStats validations = new ValidationStats();
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

  private void changed() {
    changes.incrementAndGet();
  }

  /**
   * Where every validator the interceptor builds counts what the cache did not answer, and the
   * interceptor the requests it refused without asking one.
   */
  public ValidationStats validationStats() {
    return validations;
  }

  @Override
  public void recordValidationTimes(LongConsumer sink) {
    validations.recordDurations(sink);
  }

  /** Changed trust files were put in force without a restart. */
  public void trustReloaded() {
    trustReloads.increment();
  }

  /** The areas now in force; a new configuration clears a refused reload. */
  public void trustInForce(List<TrustArea> areas) {
    changed();
    trust = new Trust(List.copyOf(areas), Optional.empty());
    reloadRefused = Optional.empty();
  }

  /** No area is in force: the configuration was refused with {@code messageId}. */
  public void trustRefused(String messageId) {
    changed();
    trust = new Trust(List.of(), Optional.of(messageId));
  }

  /**
   * The trust files changed and were refused with {@code messageId}, what was in force stays; or,
   * with {@code null}, they are back to what is in force.
   */
  public void trustReloadRefused(String messageId) {
    changed();
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
   * @param servedSince when the server first served the certificate a key source serves now
   */
  public void keySources(
      Supplier<List<CredentialHealth>> health,
      BooleanSupplier served,
      Supplier<Map<String, RenewalStatus>> renewals,
      Function<String, Optional<Instant>> servedSince) {
    changed();
    keySources = new KeySources(health, served, renewals, servedSince, Optional.empty());
  }

  /** No key source is in force: the configuration was refused with {@code messageId}. */
  public void keySourcesRefused(String messageId) {
    changed();
    keySources =
        new KeySources(
            List::of, () -> false, Map::of, name -> Optional.empty(), Optional.of(messageId));
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
    long version = changes.get();
    List<Check> checks = judgeReadiness(now);
    lastReadiness = new Judged(now, version, checks);
    return checks;
  }

  /**
   * One check of {@link #readiness()}. A probe of {@code /health/ready} asks every check in turn;
   * they share one judgement made within the last {@link #JUDGEMENT_REUSE}, unless what the
   * components told the reporter changed since, rather than judging everything once per check.
   */
  @Override
  public Check readiness(String name) {
    Judged last = lastReadiness;
    Instant now = clock.instant();
    List<Check> checks =
        last != null
                && last.version() == changes.get()
                && !now.isBefore(last.at())
                && now.isBefore(last.at().plus(JUDGEMENT_REUSE))
            ? last.checks()
            : readiness();
    for (Check check : checks) {
      if (check.name().equals(name)) {
        return check;
      }
    }
    return new Check(name, true, Map.of("configured", "false"));
  }

  private List<Check> judgeReadiness(Instant now) {
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
        Optional<Instant> renewed =
            Optional.ofNullable(renewals.get(health.keySource()))
                .flatMap(RenewalStatus::lastSuccess);
        renewed.ifPresent(
            at ->
                gauges.add(
                    new Sample(
                        "portcullis.renewal.last.success",
                        SECONDS,
                        "When the key source was last renewed, in seconds since the epoch",
                        tags,
                        at.toEpochMilli() / 1000.0)));
        renewed
            .map(at -> firstUseDelay(at, sourcesNow.servedSince().apply(health.keySource()), now))
            .ifPresent(
                delay ->
                    gauges.add(
                        new Sample(
                            "portcullis.certificate.first.use.delay",
                            SECONDS,
                            "Seconds from the key source's last renewal to the server presenting"
                                + " the renewed certificate (growing while it does not yet)",
                            tags,
                            delay.toMillis() / 1000.0)));
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

  /**
   * From a renewal at {@code renewed} to the server first serving the certificate it serves now,
   * {@code since}; when that certificate was served before the renewal, the renewed one is not in
   * use yet and the delay is still running.
   */
  static Duration firstUseDelay(Instant renewed, Optional<Instant> since, Instant now) {
    return since
        .filter(first -> !first.isBefore(renewed))
        .map(first -> Duration.between(renewed, first))
        .orElseGet(() -> Duration.between(renewed, now));
  }

  @Override
  public List<Sample> counters() {
    List<Sample> counters = new ArrayList<>();
    // The decisions first: the cache hits are worked out from them (ValidationStats.hits).
    long accepted = decisions.acceptedCount();
    Map<String, Long> refusedById = decisions.refusedCounts();
    long decided = accepted + refusedById.values().stream().mapToLong(Long::longValue).sum();
    counters.add(
        new Sample(
            "portcullis.requests.accepted",
            NONE,
            "Requests whose caller the feature identified by its certificate",
            Map.of(),
            accepted));
    refusedById.forEach(
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
            "portcullis.validation.cache.hits",
            NONE,
            "Presented chains answered from the cache of accepted chains",
            Map.of(),
            validations.hits(decided)));
    counters.add(
        new Sample(
            "portcullis.validation.cache.misses",
            NONE,
            "Presented chains validated in full (not in the cache, or no longer)",
            Map.of(),
            validations.misses()));
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
