package io.portcullis.liberty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.PortcullisException;
import io.portcullis.rules.Attribute;
import io.portcullis.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortcullisSettingsTest {
  @TempDir Path dir;

  private Map<String, Object> withArea() throws Exception {
    TestPki.Ca root = TestPki.root("CN=Root");
    Path anchor = dir.resolve("root.pem");
    Files.writeString(anchor, TestPki.pem(root.certificate()));
    Path intermediate = dir.resolve("area.pem");
    Files.writeString(intermediate, TestPki.pem(root.intermediate("CN=Area").certificate()));
    Map<String, Object> properties = new HashMap<>();
    properties.put("trustArea.0.name", "payments");
    properties.put("trustArea.0.anchors", new String[] {anchor.toString()});
    properties.put("trustArea.0.intermediates", intermediate.toString());
    return properties;
  }

  @Test
  void readsFlattenedAreasAndRules() throws Exception {
    Map<String, Object> properties = withArea();
    properties.put("realm", "corp");
    properties.put("unmatched", "REFUSE");
    properties.put("roleRule.0.attribute", "uriSan");
    properties.put("roleRule.0.value", "spiffe://corp/a");
    properties.put("roleRule.0.groups", new String[] {"reader", " writer "});
    properties.put("roleRule.1.attribute", "subjectDn");
    properties.put("roleRule.1.value", "CN=ops, O=Corp");
    properties.put("roleRule.1.groups", "ops,admin");

    PortcullisSettings settings = PortcullisSettings.from(properties);

    assertThat(settings.realm()).isEqualTo("corp");
    assertThat(settings.refuseUnmatched()).isTrue();
    assertThat(settings.areas())
        .singleElement()
        .satisfies(
            area -> {
              assertThat(area.name()).isEqualTo("payments");
              assertThat(area.anchors()).hasSize(1);
              assertThat(area.intermediates()).hasSize(1);
            });
    assertThat(settings.rules()).hasSize(2);
    assertThat(settings.rules().get(0).groups()).containsExactly("reader", "writer");
    assertThat(settings.rules().get(1).attribute()).isEqualTo(Attribute.SUBJECT_DN);
    assertThat(settings.rules().get(1).groups()).containsExactly("ops", "admin");
  }

  @Test
  void defaultsAuthenticateUnmatchedInThePortcullisRealm() throws Exception {
    PortcullisSettings settings = PortcullisSettings.from(Map.of());
    assertThat(settings.realm()).isEqualTo("portcullis");
    assertThat(settings.refuseUnmatched()).isFalse();
    assertThat(settings.areas()).isEmpty();
  }

  @Test
  void missingAnchorFileIsNamed() throws Exception {
    Map<String, Object> properties = withArea();
    properties.put("trustArea.0.anchors", dir.resolve("missing.pem").toString());
    assertThatThrownBy(() -> PortcullisSettings.from(properties))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0305E")
        .hasMessageContaining("missing.pem");
  }

  @Test
  void fileWithoutCertificatesIsRefused() throws Exception {
    Map<String, Object> properties = withArea();
    Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate");
    properties.put("trustArea.0.anchors", empty.toString());
    assertThatThrownBy(() -> PortcullisSettings.from(properties))
        .hasMessageStartingWith("PRTC0305E");
  }

  @Test
  void invalidValuesAreRefused() throws Exception {
    Map<String, Object> badUnmatched = withArea();
    badUnmatched.put("unmatched", "maybe");
    assertThatThrownBy(() -> PortcullisSettings.from(badUnmatched))
        .hasMessageStartingWith("PRTC0304E");

    Map<String, Object> badAttribute = withArea();
    badAttribute.put("roleRule.0.attribute", "email");
    badAttribute.put("roleRule.0.value", "x");
    badAttribute.put("roleRule.0.groups", "g");
    assertThatThrownBy(() -> PortcullisSettings.from(badAttribute))
        .hasMessageStartingWith("PRTC0304E")
        .hasMessageContaining("email");

    Map<String, Object> badRealm = withArea();
    badRealm.put("realm", "a/b");
    assertThatThrownBy(() -> PortcullisSettings.from(badRealm)).hasMessageStartingWith("PRTC0304E");

    Map<String, Object> noAnchors = withArea();
    noAnchors.put("trustArea.0.anchors", new String[0]);
    assertThatThrownBy(() -> PortcullisSettings.from(noAnchors))
        .hasMessageStartingWith("PRTC0304E");
  }
}
