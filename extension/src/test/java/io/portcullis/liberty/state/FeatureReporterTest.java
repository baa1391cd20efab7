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
    } catch (io.portcullis.PortcullisException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Authentication refusal(String id) {
    return new Authentication.Refused(Authentication.Kind.UNAUTHENTICATED, id, id + ": refused");
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

  @Test
  void oneCheckPerKeySourceAndAreaAndTheWholeIsDownWhileOneIsDown() {
    reporter.trustInForce(List.of(AREA));
    reporter.keySources(
        () -> List.of(credential("https", true), credential("outbound", false)),
        () -> true,
        Map::of);
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

    reporter.keySources(() -> List.of(credential("https", true)), () -> true, Map::of);
    assertThat(reporter.readiness().get(0).up()).isTrue();
    assertThat(reporter.readiness("portcullis-keysource-outbound").data())
        .as("a key source no longer configured")
        .containsEntry("configured", "false");
  }

  @Test
  void startupWaitsForEveryKeySourceToBeServed() {
    reporter.trustInForce(List.of(AREA));
    reporter.keySources(() -> List.of(credential("https", true)), () -> false, Map::of);
    assertThat(reporter.startup().up()).isFalse();
    assertThat(reporter.startup().data()).containsEntry("keySourcesServed", "false");
  }

  @Test
  void aRefusedConfigurationIsDownWithItsIdAndARefusedReloadIsOnlyReported() {
    reporter.trustInForce(List.of(AREA));
    reporter.keySources(List::of, () -> true, Map::of);
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
                    Map.of())));
    Map<String, Double> gauges = new java.util.HashMap<>();
    for (Sample sample : reporter.gauges()) {
      gauges.put(sample.name() + sample.tags(), sample.value());
    }
    assertThat(gauges.get("portcullis.certificate.expiry{keysource=https}"))
        .isBetween(590.0, 600.0);
    assertThat(gauges.get("portcullis.keysource.up{keysource=https}")).isEqualTo(1.0);
    assertThat(gauges.get("portcullis.renewal.last.success{keysource=https}"))
        .isEqualTo(now.minusSeconds(30).toEpochMilli() / 1000.0);
    assertThat(gauges.get("portcullis.area.anchors{area=payments}")).isEqualTo(1.0);
    assertThat(gauges.get("portcullis.area.crl.age{area=payments}")).isBetween(119.0, 130.0);
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
