package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.Settings.Section;
import io.portcullis.config.Settings.Setting;
import io.portcullis.config.Settings.Type;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The schema is the one spelling of each setting: it must agree with what the parser does. */
class SettingsTest {

  @Test
  void everyElementSpellsEachAttributeAndPropertyOnce() {
    for (Section element : Section.values()) {
      Set<String> attributes = new HashSet<>();
      Set<String> properties = new HashSet<>();
      for (Setting setting : Settings.accepted(element)) {
        assertThat(attributes.add(setting.attribute()))
            .as("%s.%s declared twice", element, setting.attribute())
            .isTrue();
        if (setting.type() != Type.NAME) {
          assertThat(properties.add(setting.key()))
              .as("%s property %s declared twice", element, setting.key())
              .isTrue();
        }
      }
      assertThat(Settings.accepted(element).stream().filter(s -> s.type() == Type.NAME).count())
          .as("%s has a name exactly when it repeats", element)
          .isEqualTo(element.named() ? 1 : 0);
    }
  }

  @Test
  void theParserAcceptsExactlyTheSchemasKeys() throws Exception {
    // Every key the schema names gets past the parser's spelling check...
    for (String key : Settings.keys(Section.POLICY)) {
      String value = exampleValue(Settings.setting(Section.POLICY, attributeOf(key)));
      ConfigParser.parsePolicy(Map.of("portcullis.policy." + key, value));
    }
    // ...and one letter off is refused, naming the known settings.
    assertThatThrownBy(() -> ConfigParser.parsePolicy(Map.of("portcullis.policy.minRsaBit", "1")))
        .hasMessageStartingWith("PRTC0705E")
        .hasMessageContaining("minRsaBits");
    assertThat(ConfigParser.AREA_KEYS)
        .containsAll(ConfigParser.POLICY_KEYS)
        .contains("crl.refresh");
    assertThat(ConfigParser.GLOBAL_KEYS)
        .containsExactlyInAnyOrder(
            "portcullis.unmatched",
            "portcullis.cache.size",
            "portcullis.refusal.log.interval",
            "portcullis.denyList.file",
            "portcullis.denyList.entries");
  }

  @Test
  void documentedPolicyDefaultsAreTheDefaults() throws Exception {
    int checked = 0;
    for (Setting setting : Settings.of(Section.POLICY)) {
      if (setting.defaultValue().isEmpty()) {
        continue;
      }
      TrustPolicy written =
          ConfigParser.parsePolicy(
              Map.of("portcullis.policy." + setting.key(), setting.defaultValue()));
      assertThat(written)
          .as("writing the documented default of %s changes nothing", setting.attribute())
          .isEqualTo(TrustPolicy.defaults());
      checked++;
    }
    assertThat(checked).isEqualTo(9);
  }

  @Test
  void documentedGlobalDefaultsAreTheDefaults() throws Exception {
    assertThat(Settings.setting(Section.ROOT, "cacheSize").defaultValue())
        .isEqualTo(String.valueOf(PkixTrustValidator.DEFAULT_CACHE_SIZE));
    assertThat(ConfigParser.parse(Map.of()).refuseUnmatched())
        .isEqualTo(
            !Settings.setting(Section.ROOT, "unmatched").defaultValue().equals("authenticate"));
  }

  @Test
  void choicesAndOptionsGoTogether() {
    assertThatThrownBy(
            () ->
                new Setting(
                    Section.ROOT, "x", "x", Type.TEXT, false, "", List.of("a"), "doc", false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settings.setting(Section.RULE, "nope"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Settings.setting(Section.AREA, "crlRefresh").property("payments"))
        .isEqualTo("portcullis.area.payments.crl.refresh");
    assertThat(Section.AREA.prefix("payments") + Settings.setting(Section.AREA, "minRsaBits").key())
        .isEqualTo("portcullis.area.payments.minRsaBits");
  }

  private static String attributeOf(String key) {
    return Settings.of(Section.POLICY).stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow()
        .attribute();
  }

  private static String exampleValue(Setting setting) {
    return switch (setting.type()) {
      case BOOLEAN -> "true";
      case INTEGER -> "4";
      case DURATION, DURATION_OR_NONE -> "30d";
      case LIST -> "SHA256withECDSA";
      default -> "x";
    };
  }
}
