package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A key source's readiness as its check reports it, from its certificate and its agent's record.
 */
class CredentialHealthTest {
  private static final TestPki.Ca CA = TestPki.root("CN=health test CA");
  private static final Instant NOT_BEFORE = Instant.parse("2026-12-01T00:00:00Z");
  private static final X509Certificate SERVED =
      CA.issue("CN=api")
          .uriSan("spiffe://corp.example/payments/api")
          .serverAuth()
          .validity(NOT_BEFORE, NOT_BEFORE.plus(Duration.ofHours(10)))
          .issueLeaf()
          .certificate();

  private static RenewalSettings settings(Map<String, String> extra) throws PortcullisException {
    Map<String, String> values = new HashMap<>(Map.of("renew", "ca", "caDirectory", "/srv/ca"));
    values.putAll(extra);
    return RenewalSettings.fromMap(values, Map.of());
  }

  private static Instant at(double fraction) {
    return NOT_BEFORE.plusMillis((long) (Duration.ofHours(10).toMillis() * fraction));
  }

  private static CredentialHealth health(
      RenewalSettings settings, RenewalStatus status, Instant now) {
    return CredentialHealth.of(
        "server",
        settings,
        Optional.of(SERVED),
        Optional.empty(),
        status,
        CredentialHealth.defaultUnhealthyAt(settings.renewAt()),
        now);
  }

  @Test
  void aValidCertificateOnScheduleIsUpAndSaysWhatItServes() throws Exception {
    CredentialHealth health = health(settings(Map.of()), RenewalStatus.none(), at(0.1));
    assertThat(health.up()).isTrue();
    assertThat(health.downId()).isEmpty();
    assertThat(health.data())
        .containsEntry("keySource", "server")
        .containsEntry("issuer", "ca")
        .containsEntry("identity", "spiffe://corp.example/payments/api")
        .containsEntry("serial", SERVED.getSerialNumber().toString(16))
        .containsEntry("notAfter", "2026-12-01T10:00:00Z")
        .containsEntry("secondsLeft", String.valueOf(9 * 3600))
        .containsEntry("lastOutcome", "none yet")
        .containsEntry("consecutiveFailures", "0");
  }

  @Test
  void pastRenewAtPlusHalfOfWhatIsLeftWithoutARenewalIsDownWithTheLastFailure() throws Exception {
    RenewalSettings settings = settings(Map.of("renewAt", "0.5"));
    assertThat(CredentialHealth.defaultUnhealthyAt(0.5)).isEqualTo(0.75);
    RenewalStatus failing =
        RenewalStatus.none()
            .attempted(at(0.5))
            .failed(at(0.5), KeySourceMessage.CONFIG_INVALID.exception("x"))
            .attempted(at(0.6))
            .failed(at(0.6), new PortcullisException(KeySourceMessage.CONFIG_INVALID, null, "y"))
            .next(at(0.8));

    assertThat(health(settings, failing, at(0.74)).up()).as("before the point").isTrue();
    CredentialHealth overdue = health(settings, failing, at(0.76));
    assertThat(overdue.up()).isFalse();
    assertThat(overdue.downId()).contains("PRTC0558E");
    assertThat(overdue.reason())
        .startsWith("PRTC0558E")
        .contains("past 0.75 of its lifetime")
        .contains("2 attempts failed in a row, the last with PRTC0501E");
    assertThat(overdue.data())
        .containsEntry("lastOutcome", "failed")
        .containsEntry("consecutiveFailures", "2")
        .containsEntry("lastErrorId", "PRTC0501E")
        .containsEntry("nextAttempt", at(0.8).toString())
        .containsEntry("downId", "PRTC0558E");
    // A configured point instead of the default.
    CredentialHealth early =
        CredentialHealth.of(
            "server", settings, Optional.of(SERVED), Optional.empty(), failing, 0.55, at(0.6));
    assertThat(early.downId()).contains("PRTC0558E");
  }

  @Test
  void aRenewalThatSucceededResetsTheRecord() throws Exception {
    RenewalStatus renewed =
        RenewalStatus.none()
            .attempted(at(0.5))
            .failed(at(0.5), KeySourceMessage.CONFIG_INVALID.exception("x"))
            .attempted(at(0.55))
            .succeeded(at(0.56));
    assertThat(renewed.consecutiveFailures()).isZero();
    assertThat(renewed.lastSucceeded()).isTrue();
    assertThat(renewed.attempts()).isEqualTo(2);
    assertThat(renewed.successes()).isEqualTo(1);
    assertThat(renewed.failuresById()).containsExactly(Map.entry("PRTC0501E", 1L));
    assertThat(health(settings(Map.of()), renewed, at(0.6)).data())
        .containsEntry("lastOutcome", "renewed")
        .containsEntry("lastRenewal", at(0.56).toString());
    // A failure without an ID is counted as unknown: labels stay few whatever the cause says.
    assertThat(renewed.failed(at(0.7), new IllegalStateException("free text")).failuresById())
        .containsEntry(RenewalStatus.UNKNOWN, 1L)
        .hasSize(2);
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsDownWhatRenewsIt() throws Exception {
    for (RenewalSettings settings :
        new RenewalSettings[] {settings(Map.of()), RenewalSettings.fromMap(Map.of(), Map.of())}) {
      CredentialHealth expired = health(settings, RenewalStatus.none(), at(1.0));
      assertThat(expired.downId()).contains("PRTC0557E");
      assertThat(expired.reason()).contains("expired at 2026-12-01T10:00:00Z");
      assertThat(expired.data()).containsEntry("secondsLeft", "0");
      CredentialHealth early = health(settings, RenewalStatus.none(), NOT_BEFORE.minusSeconds(1));
      assertThat(early.downId()).contains("PRTC0556E");
    }
    // Nothing renews it: no renewal is overdue, and no renewal data is shown.
    CredentialHealth unmanaged =
        health(RenewalSettings.fromMap(Map.of(), Map.of()), RenewalStatus.none(), at(0.95));
    assertThat(unmanaged.up()).isTrue();
    assertThat(unmanaged.data()).containsEntry("issuer", "none").doesNotContainKey("lastOutcome");
  }

  @Test
  void aKeySourceThatServesNothingIsDownWithTheProblemsId() throws Exception {
    CredentialHealth away =
        CredentialHealth.of(
            "token",
            settings(Map.of()),
            Optional.empty(),
            Optional.of("PRTC0515W: The token 'web' was logged out or restarted"),
            RenewalStatus.none(),
            0.8,
            at(0.1));
    assertThat(away.up()).isFalse();
    assertThat(away.downId()).contains("PRTC0515W");
    assertThat(away.data()).containsEntry("keySource", "token").doesNotContainKey("serial");
  }

  @Test
  void theIssuerKindNamesWhereRenewalsComeFrom() throws Exception {
    assertThat(
            CredentialHealth.issuerKind(
                settings(
                    Map.of(
                        "caDirectory",
                        "",
                        "caUrl",
                        "https://ca.corp.example:8443/",
                        "caRoot",
                        "/r.pem"))))
        .isEqualTo("ca-endpoint");
    assertThat(
            CredentialHealth.issuerKind(
                RenewalSettings.fromMap(Map.of("renew", "files", "caRoot", "/r.pem"), Map.of())))
        .isEqualTo("files");
  }
}
