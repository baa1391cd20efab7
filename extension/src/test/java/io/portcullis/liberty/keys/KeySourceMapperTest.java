package io.portcullis.liberty.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceType;
import io.portcullis.liberty.config.ConfigValues;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeySourceMapperTest {
  private static final Map<String, Object> SERVER_XML =
      Map.of(
          "keySource.0.name", "server",
          "keySource.0.type", "pkcs11",
          "keySource.0.library", "/usr/lib/softhsm/libsofthsm2.so",
          "keySource.0.tokenLabel", "portcullis",
          "keySource.0.alias", "orders-2025-01",
          "keySource.0.pinEnv", "PORTCULLIS_PIN",
          "keySource.1.name", "files",
          "keySource.1.type", "pkcs12",
          "keySource.1.file", "/srv/files.p12",
          "keySource.1.password", new Protected("{xor}PDc+MTg6Nis="));

  /** Stands in for Liberty's protected string: text only through getChars(). */
  public static final class Protected {
    private final String text;

    Protected(String text) {
      this.text = text;
    }

    public char[] getChars() {
      return text.toCharArray();
    }

    @Override
    public String toString() {
      return "*****";
    }
  }

  @Test
  void serverXmlElementsBecomeNamedProperties() throws Exception {
    Map<String, String> keys = KeySourceMapper.fromServerXml(SERVER_XML);
    assertThat(keys)
        .containsEntry("portcullis.keySource.server.type", "pkcs11")
        .containsEntry("portcullis.keySource.server.tokenLabel", "portcullis")
        .containsEntry("portcullis.keySource.server.pinEnv", "PORTCULLIS_PIN")
        .containsEntry("portcullis.keySource.files.password", "{xor}PDc+MTg6Nis=");
    Map<String, KeySourceConfig> configs =
        KeySourceMapper.configs(keys, Map.of("PORTCULLIS_PIN", "1234"));
    assertThat(configs).containsOnlyKeys("server", "files");
    assertThat(configs.get("server").type()).isEqualTo(KeySourceType.PKCS11);
    assertThat(configs.get("server").alias()).contains("orders-2025-01");
    assertThat(configs.get("files").file()).contains(Path.of("/srv/files.p12"));
    assertThat(configs.get("files").secret().orElseThrow().chars())
        .containsExactly("changeit".toCharArray());
  }

  @Test
  void microProfileConfigOverridesAndAdds() throws Exception {
    Map<String, String> overrides =
        Map.of(
            "portcullis.keySource.server.alias", "orders-2025-04",
            "portcullis.keySources", "tpm",
            "portcullis.keySource.tpm.type", "tpm",
            "portcullis.keySource.tpm.slotListIndex", "0",
            "portcullis.keySource.tpm.pinEnv", "TPM_PIN");
    Map<String, String> keys =
        KeySourceMapper.withOverrides(
            KeySourceMapper.fromServerXml(SERVER_XML),
            name -> Optional.ofNullable(overrides.get(name)));
    Map<String, KeySourceConfig> configs =
        KeySourceMapper.configs(keys, Map.of("PORTCULLIS_PIN", "1", "TPM_PIN", "2"));
    assertThat(configs.get("server").alias()).contains("orders-2025-04");
    assertThat(configs.get("tpm").type()).isEqualTo(KeySourceType.TPM);
    assertThat(configs.get("tpm").library()).contains(Path.of(KeySourceConfig.DEFAULT_TPM_LIBRARY));
  }

  @Test
  void badConfigurationsAreRefusedWithTheKeySourceNamed() {
    assertThatThrownBy(
            () ->
                KeySourceMapper.fromServerXml(
                    Map.of("keySource.0.name", "a", "keySource.1.name", "a")))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0526E")
        .hasMessageContaining("named a");
    assertThatThrownBy(() -> KeySourceMapper.fromServerXml(Map.of("keySource.0.name", "a.b")))
        .hasMessageStartingWith("PRTC0526E");
    assertThatThrownBy(
            () ->
                KeySourceMapper.configs(
                    KeySourceMapper.fromServerXml(
                        Map.of("keySource.0.name", "server", "keySource.0.type", "pkcs11")),
                    Map.of()))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0526E")
        .hasMessageContaining("key source server");
  }

  @Test
  void protectedValuesAreReadThroughGetChars() {
    assertThat(ConfigValues.text(new Protected("secret"))).isEqualTo("secret");
    assertThat(ConfigValues.text(new String[] {"a", "b"})).isEqualTo("a,b");
  }
}
