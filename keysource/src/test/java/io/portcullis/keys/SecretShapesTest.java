package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.portcullis.keys.testing.ModuleTokens;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.testing.SecretShapes;
import io.portcullis.testing.TestPki;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No part of a PIN or password reaches a message, whatever its shape: each hostile shape through
 * the configuration (attribute and environment variable, Liberty's encodings) and through the
 * refusal of a wrong one by a PKCS#12 file and by a real SoftHSM2 token.
 */
class SecretShapesTest {
  @TempDir Path dir;

  private static Throwable load(Map<String, String> values, Map<String, String> env) {
    return catchThrowable(() -> KeySource.of(KeySourceConfig.fromMap(values, env)).load());
  }

  @Test
  void aPkcs12PasswordOfAnyShapeIsNeverShown() throws Exception {
    Path p12 = dir.resolve("server.p12");
    TestPki.root("CN=Shapes Root")
        .issue("CN=server")
        .issueLeaf()
        .writePkcs12(p12, "server", "changeit".toCharArray());
    for (String shape : SecretShapes.all()) {
      Map<String, String> direct =
          Map.of("type", "pkcs12", "file", p12.toString(), "password", shape);
      Throwable refused = load(direct, Map.of());
      assertThat(refused).as(shape).isNotNull();
      SecretShapes.assertHidden("password=" + shape, refused);

      Map<String, String> viaEnv =
          Map.of("type", "pkcs12", "file", p12.toString(), "passwordEnv", "P12_PASSWORD");
      Throwable refusedFromEnv = load(viaEnv, Map.of("P12_PASSWORD", shape));
      assertThat(refusedFromEnv).as(shape).isNotNull();
      SecretShapes.assertHidden("passwordEnv holding " + shape, refusedFromEnv);
    }
  }

  @Test
  void aTokenPinOfAnyShapeIsNeverShownWhenTheTokenRefusesIt() throws Exception {
    SoftHsm hsm = ModuleTokens.ready();
    for (String shape : SecretShapes.all()) {
      Map<String, String> values =
          new HashMap<>(hsm.keySource(ModuleTokens.NEVER_LOGGED_IN, shape, "server"));
      Throwable first = load(values, Map.of());
      assertThat(first).as(shape).isNotNull();
      SecretShapes.assertHidden("pin=" + shape, first);
      // The second load is refused unasked (PRTC0545E), quoting the first refusal.
      SecretShapes.assertHidden("pin=" + shape + ", again", load(values, Map.of()));

      values.remove("pin");
      values.put("pinEnv", "TOKEN_PIN");
      SecretShapes.assertHidden(
          "pinEnv holding " + shape, load(values, Map.of("TOKEN_PIN", shape)));
    }
  }
}
