package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySourceConfigTest {
  static Map<String, String> token(String pinKey, String pinValue) {
    Map<String, String> values = new HashMap<>();
    values.put("type", "pkcs11");
    values.put("library", "/usr/lib/softhsm/libsofthsm2.so");
    values.put("tokenLabel", "t");
    values.put("alias", "a");
    values.put(pinKey, pinValue);
    return values;
  }

  static String xor(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] ^= 0x5F;
    }
    return "{xor}" + Base64.getEncoder().encodeToString(bytes);
  }

  @Test
  void libertyXorPasswordsAreDecoded() throws Exception {
    // securityUtility encode password -> {xor}Lz4sLCgwLTs=
    KeySourceConfig config = KeySourceConfig.fromMap(token("pin", "{xor}Lz4sLCgwLTs="), Map.of());
    assertThat(config.secret().orElseThrow().chars()).isEqualTo("password".toCharArray());
    KeySourceConfig unicode = KeySourceConfig.fromMap(token("pin", xor("pïn-ü")), Map.of());
    assertThat(unicode.secret().orElseThrow().chars()).isEqualTo("pïn-ü".toCharArray());
  }

  @Test
  void aesAndHashPasswordsNeedLiberty() {
    assertThatThrownBy(() -> KeySourceConfig.fromMap(token("pin", "{aes}AEmVKa+jOeA="), Map.of()))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0502E");
              assertThat(e.getMessage()).contains("{aes}").doesNotContain("AEmVKa");
            });
    assertThatThrownBy(() -> KeySourceConfig.fromMap(token("pin", "{hash}ABC"), Map.of()))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0502E"));
  }

  @Test
  void aPinThatOnlyLooksEncodedIsThePinAndNeverReachesAMessage() throws Exception {
    // Found by review: "{Secret}123" was read as an encoding called "secret" and echoed in
    // PRTC0502E. Hostile shapes: braces, a known name in another case, an unclosed brace.
    for (String pin : List.of("{Secret}123", "{S3cr3t}", "{}", "{ xor}abc", "{aesx}1", "{9999")) {
      KeySourceConfig config = KeySourceConfig.fromMap(token("pin", pin), Map.of());
      assertThat(config.secret().orElseThrow().chars()).as(pin).isEqualTo(pin.toCharArray());
    }
    assertThatThrownBy(() -> KeySourceConfig.fromMap(token("pin", "{AES}S3cr3tPart"), Map.of()))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("S3cr3tPart")
                    .doesNotContainIgnoringCase("s3cr3t"));
  }

  @Test
  void pinFromTheEnvironment() throws Exception {
    KeySourceConfig config =
        KeySourceConfig.fromMap(token("pinEnv", "HSM_PIN"), Map.of("HSM_PIN", "1234"));
    assertThat(config.secret().orElseThrow().chars()).isEqualTo("1234".toCharArray());
    assertThatThrownBy(() -> KeySourceConfig.fromMap(token("pinEnv", "HSM_PIN"), Map.of()))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0510E");
              assertThat(e.getMessage()).contains("HSM_PIN");
            });
  }

  @Test
  void printsNoSecret() throws Exception {
    KeySourceConfig config = KeySourceConfig.fromMap(token("pin", "s3cret-pin"), Map.of());
    assertThat(config.toString()).doesNotContain("s3cret-pin").contains("tokenLabel=t");
    assertThat(config.secret().orElseThrow().toString()).isEqualTo("****");
  }

  @Test
  void misspeltOrMissingAttributesAreRefused() {
    Map<String, String> typo = token("pin", "1");
    typo.put("tokenlabel", "t");
    assertThatThrownBy(() -> KeySourceConfig.fromMap(typo, Map.of()))
        .hasMessageContaining("PRTC0501E")
        .hasMessageContaining("tokenlabel");
    Map<String, String> twoSelectors = token("pin", "1");
    twoSelectors.put("slot", "3");
    assertThatThrownBy(() -> KeySourceConfig.fromMap(twoSelectors, Map.of()))
        .hasMessageContaining("PRTC0501E");
    assertThatThrownBy(() -> KeySourceConfig.fromMap(Map.of("type", "jks"), Map.of()))
        .hasMessageContaining("PRTC0501E");
  }

  @Test
  void mpConfigOverridesServerXml() {
    Map<String, String> merged =
        KeySourceConfig.merge(Map.of("alias", "old", "type", "pkcs11"), Map.of("alias", "new"));
    assertThat(merged).containsEntry("alias", "new").containsEntry("type", "pkcs11");
  }

  @Test
  void theTpmNeedsItsEnvironment() throws Exception {
    Map<String, String> values = token("pin", "1");
    values.put("type", "tpm");
    values.remove("library");
    KeySourceConfig noStore = KeySourceConfig.fromMap(values, Map.of());
    assertThat(noStore.library().orElseThrow().toString())
        .isEqualTo(KeySourceConfig.DEFAULT_TPM_LIBRARY);
    assertThatThrownBy(() -> new TpmKeySource(noStore).load())
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0509E");
              assertThat(e.getMessage()).contains("TPM2_PKCS11_STORE");
            });
    KeySourceConfig noTcti =
        KeySourceConfig.fromMap(
            values, Map.of("TPM2_PKCS11_STORE", System.getProperty("java.io.tmpdir")));
    assertThatThrownBy(() -> new TpmKeySource(noTcti).load())
        .hasMessageContaining("PRTC0509E")
        .hasMessageContaining("TPM2_PKCS11_TCTI")
        .hasMessageContaining("device:/dev/tpmrm0");
  }
}
