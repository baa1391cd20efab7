package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeySourceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RenewalSettingsTest {
  @Test
  void aKeySourceWithoutRenewalAttributesIsNotRenewed() throws Exception {
    KeySourceConfig config =
        KeySourceConfig.fromMap(Map.of("type", "pkcs12", "file", "/k.p12"), Map.of());
    assertThat(config.renewal()).isEqualTo(RenewalSettings.NONE);
    assertThat(config.renewal().renews()).isFalse();
  }

  @Test
  void renewalAttributesAreReadWithTheKeySource() throws Exception {
    KeySourceConfig config =
        KeySourceConfig.fromMap(
            Map.of(
                "type", "pkcs12",
                "file", "/k.p12",
                "renew", "ca",
                "caDirectory", "/srv/ca",
                "lifetime", "60s",
                "renewAt", "0.5",
                "renewJitter", "0.1",
                "retryDelay", "PT1S",
                "retryMaxDelay", "1m"),
            Map.of());
    RenewalSettings renewal = config.renewal();
    assertThat(renewal.issuer()).isEqualTo(RenewalSettings.IssuerKind.CA);
    assertThat(renewal.caDirectory()).contains(Path.of("/srv/ca"));
    assertThat(renewal.lifetime()).contains(Duration.ofSeconds(60));
    assertThat(renewal.renewAt()).isEqualTo(0.5);
    assertThat(renewal.jitter()).isEqualTo(0.1);
    assertThat(renewal.retryDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(renewal.retryMaxDelay()).isEqualTo(Duration.ofMinutes(1));
    // the renewal survives a change of alias (token rotation makes new aliases)
    assertThat(config.withAlias("next").renewal()).isEqualTo(renewal);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "renew         | certbot  | renew=certbot is not one of none, ca, acme",
        "caDirectory   | ''       | renew=ca needs either caDirectory (the CA on this host) or caUrl",
        "caUrl         | https://ca.test/ | not both",
        "renewAt       | 0        | renewAt=0 must be over 0 and under 1",
        "renewAt       | 1        | renewAt=1 must be over 0 and under 1",
        "renewAt       | 1.0001   | must be over 0 and under 1",
        "renewAt       | NaN      | is not a decimal fraction",
        "renewAt       | two      | is not a decimal fraction",
        "renewJitter   | -0.01    | must be at least 0 and under renewAt",
        "renewJitter   | 0.667    | must be at least 0 and under renewAt",
        "lifetime      | 0s       | must be positive",
        "lifetime      | soon     | expected a duration",
        "retryMaxDelay | 1s       | is shorter than retryDelay",
      })
  void eachValuePastItsLimitIsRefusedWithItsName(String key, String value, String message) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("type", "pkcs12");
    attributes.put("file", "/k.p12");
    attributes.put("renew", "ca");
    attributes.put("caDirectory", "/srv/ca");
    attributes.put(key, value);
    assertThatThrownBy(() -> KeySourceConfig.fromMap(attributes, Map.of()))
        .hasMessageStartingWith("PRTC0501E")
        .hasMessageContaining(message);
  }

  @Test
  void theCaOnAnotherHostIsNamedByItsEndpointAndItsRoot() throws Exception {
    RenewalSettings renewal =
        RenewalSettings.fromMap(
            Map.of("renew", "ca", "caUrl", " https://ca.corp.test:8443 ", "caRoot", "/etc/ca.pem"));
    assertThat(renewal.caUrl().orElseThrow()).hasToString("https://ca.corp.test:8443/");
    assertThat(renewal.caRoot()).contains(Path.of("/etc/ca.pem"));
    assertThat(renewal.caDirectory()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://ca.corp.test/          | /etc/ca.pem | not an https URL",
        "https:///v1                   | /etc/ca.pem | not an https URL",
        "https://ca.corp.test/?x=1     | /etc/ca.pem | not an https URL",
        "https://u:p@ca.corp.test/     | /etc/ca.pem | not an https URL",
        "https://ca corp/              | /etc/ca.pem | is not usable",
        "https://ca.corp.test/         | ''          | caUrl needs caRoot",
      })
  void anEndpointThatCannotBeTrustedIsRefused(String url, String root, String message) {
    assertThatThrownBy(
            () -> RenewalSettings.fromMap(Map.of("renew", "ca", "caUrl", url, "caRoot", root)))
        .hasMessageStartingWith("PRTC0501E")
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "acmeDirectory  | ''                  | renew=acme needs acmeDirectory",
        "acmeDirectory  | http://acme.test/d  | not an https URL",
        "acmeAccountKey | ''                  | renew=acme needs acmeAccountKey",
        "caRoot         | ''                  | renew=acme needs caRoot",
        "acmeEabKid     | ''                  | needs both acmeEabKid and acmeEabKey",
        "acmeHttpPort   | 0                   | acmeHttpPort=0 is not a port",
        "acmeHttpPort   | 65536               | acmeHttpPort=65536 is not a port",
        "acmeHttpPort   | eighty              | is not a port",
      })
  void eachAcmeValuePastItsLimitIsRefusedWithItsName(String key, String value, String message) {
    Map<String, String> attributes = new HashMap<>(acme());
    attributes.put(key, value);
    assertThatThrownBy(() -> RenewalSettings.fromMap(attributes, Map.of("EAB", "c2VjcmV0")))
        .hasMessageStartingWith("PRTC0501E")
        .hasMessageContaining(message);
  }

  @Test
  void anAcmeIssuerIsReadWithItsSecretFromTheEnvironmentAndNeverPrintsIt() throws Exception {
    RenewalSettings renewal = RenewalSettings.fromMap(acme(), Map.of("EAB", "c2VjcmV0LWhtYWM"));
    AcmeSettings acme = renewal.acme().orElseThrow();
    assertThat(renewal.issuer()).isEqualTo(RenewalSettings.IssuerKind.ACME);
    assertThat(acme.directory()).hasToString("https://acme.test/directory");
    assertThat(acme.eabKid()).contains("kid-1");
    assertThat(new String(acme.eabKey().orElseThrow().chars())).isEqualTo("c2VjcmV0LWhtYWM");
    assertThat(acme.httpPort()).hasValue(8080);
    assertThat(renewal.toString()).doesNotContain("c2VjcmV0LWhtYWM");
    assertThatThrownBy(() -> RenewalSettings.fromMap(acme(), Map.of())).hasMessageContaining("EAB");
  }

  private static Map<String, String> acme() {
    return Map.of(
        "renew", "acme",
        "acmeDirectory", "https://acme.test/directory",
        "acmeAccountKey", "/srv/acme/account.pem",
        "acmeEabKid", "kid-1",
        "acmeEabKeyEnv", "EAB",
        "caRoot", "/srv/acme/root.pem",
        "acmeHttpPort", "8080");
  }
}
