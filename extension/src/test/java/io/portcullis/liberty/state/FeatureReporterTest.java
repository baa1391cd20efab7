package io.portcullis.liberty.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.Daemons;
import io.portcullis.auth.Authentication;
import io.portcullis.auth.DecisionCounts;
import io.portcullis.liberty.report.Check;
import io.portcullis.liberty.report.Sample;
import io.portcullis.renewal.CredentialHealth;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.CrlStore;
import io.portcullis.trust.Revocation;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the feature's health checks say, from what its components told the reporter. */
class FeatureReporterTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=reporter root");
  private static final TestPki.Ca CA = ROOT.intermediate("CN=reporter CA");
  private static final TrustArea AREA =
      new TrustArea(
          "payments",
          List.of(ROOT.certificate()),
          List.of(CA.certificate()),
          TrustPolicy.defaults(),
          new Revocation(RevocationMode.OFF, false, CrlStore.of(List.of())));

  private static CredentialHealth credential(String name, boolean up) {
    return up
        ? new CredentialHealth(
            name, true, Optional.empty(), "", Map.of("keySource", name), Optional.empty())
        : new CredentialHealth(
            name,
            false,
            Optional.of("PRTC0557E"),
            "PRTC0557E: expired",
            Map.of("keySource", name, "downId", "PRTC0557E"),
            Optional.empty());
  }

  private static final Authentication ACCEPTED = accepted();

  private static Authentication accepted() {
    try {
      return new Authentication.Authenticated(
          io.portcullis.identity.IdentityReader.read(
                  CA.clientLeaf("CN=caller", "spiffe://test.example/caller").certificate())
              .inArea("payments"),
          java.util.Set.of());
    } catch (io.portcullis.messages.PortcullisException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A message of any ID, so counts can be tried past the catalog's. */
  private record AnyMessage(String id) implements io.portcullis.messages.MessageId {
    @Override
    public io.portcullis.messages.MessageCatalog catalog() {
      return io.portcullis.messages.CoreMessage.CHAIN_EMPTY.catalog();
    }
  }

  private static Authentication refusal(String id) {
    return new Authentication.Refused(
        Authentication.Kind.UNAUTHENTICATED, new AnyMessage(id), id + ": refused");
  }

  private final FeatureReporter reporter = new FeatureReporter(Clock.systemUTC());

  @Test
  void beforeAnyConfigurationEverythingButLivenessIsDown() {
    List<Check> readiness = reporter.readiness();
    assertThat(readiness).extracting(Check::name).containsExactly("portcullis");
    assertThat(readiness.get(0).up()).isFalse();
    assertThat(readiness.get(0).data()).containsEntry("configuration", "not loaded yet");
    assertThat(reporter.startup().up()).isFalse();
    assertThat(reporter.liveness().up()).isTrue();
  }

  private static final java.util.function.Function<String, Optional<Instant>> NEVER_SERVED =
      name -> Optional.empty();

  @Test
  void oneCheckPerKeySourceAndAreaAndTheWholeIsDownWhileOneIsDown() {
    reporter.trustInForce(List.of(AREA));
    reporter.keySources(
        () -> List.of(credential("https", true), credential("outbound", false)),
        () -> true,
        Map::of,
        NEVER_SERVED);
    List<Check> readiness = reporter.readiness();
    assertThat(readiness)
        .extracting(Check::name)
        .containsExactly(
            "portcullis",
            "portcullis-keysource-https",
            "portcullis-keysource-outbound",
            "portcullis-area-payments");
    Check whole = readiness.get(0);
    assertThat(whole.up()).isFalse();
    assertThat(whole.data())
        .containsEntry("keySources", "2")
        .containsEntry("areas", "1")
        .containsEntry("down", "portcullis-keysource-outbound (PRTC0557E)");
    assertThat(reporter.readiness("portcullis-area-payments").up()).isTrue();
    assertThat(reporter.startup().up()).isTrue();

    reporter.keySources(
        () -> List.of(credential("https", true)), () -> true, Map::of, NEVER_SERVED);
    assertThat(reporter.readiness().get(0).up()).isTrue();
    assertThat(reporter.readiness("portcullis-keysource-outbound").data())
        .as("a key source no longer configured")
        .containsEntry("configured", "false");
  }

  @Test
  void theChecksOfOneProbeShareOneJudgementUntilAComponentReportsAgain() {
    reporter.trustInForce(List.of(AREA));
    java.util.concurrent.atomic.AtomicInteger judged =
        new java.util.concurrent.atomic.AtomicInteger();
    reporter.keySources(
        () -> {
          judged.incrementAndGet();
          return List.of(credential("https", true), credential("outbound", true));
        },
        () -> true,
        Map::of,
        NEVER_SERVED);
    for (String name :
        List.of(
            "portcullis",
            "portcullis-keysource-https",
            "portcullis-keysource-outbound",
            "portcullis-area-payments")) {
      assertThat(reporter.readiness(name).up()).isTrue();
    }
    assertThat(judged).as("key sources judged for one probe of four checks").hasValue(1);
    reporter.keySources(
        () -> {
          judged.incrementAndGet();
          return List.of(credential("https", false));
        },
        () -> true,
        Map::of,
        NEVER_SERVED);
    assertThat(reporter.readiness("portcullis-keysource-https").up())
        .as("a new report is judged at once")
        .isFalse();
    assertThat(judged).hasValue(2);
  }

  @Test
  void startupWaitsForEveryKeySourceToBeServed() {
    reporter.trustInForce(List.of(AREA));
    reporter.keySources(
        () -> List.of(credential("https", true)), () -> false, Map::of, NEVER_SERVED);
    assertThat(reporter.startup().up()).isFalse();
    assertThat(reporter.startup().data()).containsEntry("keySourcesServed", "false");
  }

  @Test
  void aRefusedConfigurationIsDownWithItsIdAndARefusedReloadIsOnlyReported() {
    reporter.trustInForce(List.of(AREA));
    reporter.keySources(List::of, () -> true, Map::of, NEVER_SERVED);
    reporter.trustReloadRefused("PRTC0315W");
    assertThat(reporter.readiness("portcullis-area-payments").up()).isTrue();
    assertThat(reporter.readiness("portcullis-area-payments").data())
        .containsEntry("reloadRefusedId", "PRTC0315W");
    reporter.trustReloadRefused(null);
    assertThat(reporter.readiness("portcullis-area-payments").data())
        .doesNotContainKey("reloadRefusedId");

    reporter.trustRefused("PRTC0304E");
    Check whole = reporter.readiness().get(0);
    assertThat(whole.up()).isFalse();
    assertThat(whole.data()).containsEntry("configurationRefusedId", "PRTC0304E");
    assertThat(reporter.startup().up()).isFalse();
  }

  @Test
  void livenessIsDownWhenAWatchedThreadDiedOrAGroupReportsAStalledMember() throws Exception {
    ScheduledExecutorService thread = Daemons.scheduler("reporter-test");
    reporter.watch("portcullis-refresh", thread);
    assertThat(reporter.liveness().up()).isTrue();
    thread.shutdownNow();
    assertThat(thread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    Check dead = reporter.liveness();
    assertThat(dead.up()).isFalse();
    assertThat(dead.data().get("stalled")).startsWith("portcullis-refresh");
    reporter.forget("portcullis-refresh");
    assertThat(reporter.liveness().up()).isTrue();

    reporter.watch(
        "portcullis-renewal",
        (Instant now, Duration bound) -> {
          assertThat(bound).isEqualTo(FeatureReporter.WEDGED_AFTER);
          return List.of("https");
        });
    assertThat(reporter.liveness().data()).containsEntry("stalled", "portcullis-renewal-https");
  }

  @Test
  void gaugesGiveSecondsToExpiryPerKeySourceAndAnchorsAndCrlAgePerArea() {
    Instant now = Instant.now();
    TrustArea withCrl =
        new TrustArea(
            "payments",
            List.of(ROOT.certificate()),
            List.of(CA.certificate()),
            TrustPolicy.defaults(),
            new Revocation(
                RevocationMode.HARD_FAIL,
                false,
                CrlStore.of(List.of(CA.crl(now.minusSeconds(120), now.plusSeconds(3600))))));
    reporter.trustInForce(List.of(withCrl));
    reporter.keySources(
        () ->
            List.of(
                new CredentialHealth(
                    "https",
                    true,
                    Optional.empty(),
                    "",
                    Map.of("keySource", "https"),
                    Optional.of(now.plusSeconds(600)))),
        () -> true,
        () ->
            Map.of(
                "https",
                new io.portcullis.renewal.RenewalStatus(
                    Optional.of(now.minusSeconds(31)),
                    Optional.of(now.minusSeconds(30)),
                    Optional.empty(),
                    Optional.empty(),
                    0,
                    Optional.empty(),
                    Optional.empty(),
                    1,
                    1,
                    Map.of())),
        name -> Optional.of(now.minusSeconds(28)));
    Map<String, Double> gauges = new java.util.HashMap<>();
    for (Sample sample : reporter.gauges()) {
      gauges.put(sample.name() + sample.tags(), sample.value());
    }
    assertThat(gauges.get("portcullis.certificate.expiry{keysource=https}"))
        .isBetween(590.0, 600.0);
    assertThat(gauges.get("portcullis.keysource.up{keysource=https}")).isEqualTo(1.0);
    assertThat(gauges.get("portcullis.renewal.last.success{keysource=https}"))
        .isEqualTo(now.minusSeconds(30).toEpochMilli() / 1000.0);
    assertThat(gauges.get("portcullis.certificate.first.use.delay{keysource=https}"))
        .as("renewed 30 s ago, first served 28 s ago")
        .isEqualTo(2.0);
    assertThat(gauges.get("portcullis.area.anchors{area=payments}")).isEqualTo(1.0);
    assertThat(gauges.get("portcullis.area.crl.age{area=payments}")).isBetween(119.0, 130.0);
  }

  @Test
  void aRenewedCertificateNotYetServedHasADelayThatKeepsRunning() {
    Instant now = Instant.parse("2026-12-07T12:00:00Z");
    Instant renewed = now.minusSeconds(90);
    assertThat(FeatureReporter.firstUseDelay(renewed, Optional.of(now.minusSeconds(85)), now))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(FeatureReporter.firstUseDelay(renewed, Optional.of(now.minusSeconds(3600)), now))
        .as("what is served was first served before the renewal: the renewed one is not yet")
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(FeatureReporter.firstUseDelay(renewed, Optional.empty(), now))
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void cacheHitsAndFullValidationsAreCountedAndTimedAcrossAuthenticators() {
    List<Long> times = new java.util.concurrent.CopyOnWriteArrayList<>();
    reporter.recordValidationTimes(times::add);
    var leaf = CA.clientLeaf("CN=caller", "spiffe://test.example/caller");
    var stranger =
        TestPki.root("CN=stranger root").clientLeaf("CN=stranger", "spiffe://elsewhere/x");
    for (int round = 0; round < 2; round++) {
      // A reload builds a new authenticator: the counts go on, the cache starts empty.
      var authenticator =
          new io.portcullis.auth.CertificateAuthenticator(
              new io.portcullis.trust.PkixTrustValidator(
                  List.of(AREA),
                  Clock.systemUTC(),
                  io.portcullis.trust.DenyList.empty(),
                  10,
                  io.portcullis.trust.PkixTrustValidator.DEFAULT_MEMO_SIZE,
                  reporter.validationStats()),
              new io.portcullis.rules.RoleRules(List.of()),
              false,
              reporter.validationStats());
      for (int i = 0; i < 3; i++) {
        Authentication result =
            authenticator.authenticate(
                new java.security.cert.X509Certificate[] {leaf.certificate(), CA.certificate()});
        assertThat(result).isInstanceOf(Authentication.Authenticated.class);
        reporter.decided(result);
      }
      // Refused unasked (no certificate), and refused after a validation: neither is a hit.
      reporter.decided(authenticator.authenticate(null));
      reporter.decided(authenticator.authenticate(stranger.chainArray()));
    }
    Map<String, Double> counters = new java.util.HashMap<>();
    for (Sample sample : reporter.counters()) {
      counters.merge(sample.name(), sample.value(), Double::sum);
    }
    assertThat(counters.get("portcullis.requests.accepted")).isEqualTo(6.0);
    assertThat(counters.get("portcullis.requests.refused")).isEqualTo(4.0);
    assertThat(counters.get("portcullis.validation.cache.misses"))
        .as("the first of each round and the stranger's")
        .isEqualTo(4.0);
    assertThat(counters.get("portcullis.validation.cache.hits")).isEqualTo(4.0);
    assertThat(times).hasSize(4).allSatisfy(nanos -> assertThat(nanos).isPositive());
  }

  @Test
  void decisionsAreCountedByReasonIdAndAFloodOfIdsAddsAtMostABoundedNumberOfLabels() {
    reporter.decided(ACCEPTED);
    reporter.decided(ACCEPTED);
    reporter.decided(refusal("PRTC0301E"));
    for (int i = 0; i < 1_000; i++) {
      reporter.decided(refusal("PRTC" + (1000 + i) + "E"));
    }
    List<Sample> refused =
        reporter.counters().stream()
            .filter(sample -> sample.name().equals("portcullis.requests.refused"))
            .toList();
    assertThat(refused).hasSizeLessThanOrEqualTo(DecisionCounts.MOST_REASONS + 1);
    assertThat(refused.stream().mapToDouble(Sample::value).sum()).isEqualTo(1_001.0);
    assertThat(refused)
        .anySatisfy(sample -> assertThat(sample.tags()).containsEntry("reason", "PRTC0301E"))
        .anySatisfy(sample -> assertThat(sample.tags()).containsEntry("reason", "other"));
    assertThat(reporter.counters())
        .filteredOn(sample -> sample.name().equals("portcullis.requests.accepted"))
        .singleElement()
        .extracting(Sample::value)
        .isEqualTo(2.0);
  }
}
