package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.SecretShapes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An EAB key that is not base64url is refused without a word of it, in any shape. */
class EabKeyShapesTest {
  private static Map<String, String> acme(String key) {
    return Map.of(
        "acmeDirectory", "https://acme.internal/dir",
        "acmeAccountKey", "/tmp/account.pem",
        "acmeEabKid", "kid-1",
        "acmeEabKey", key);
  }

  @Test
  void everyShapeThatIsNoBase64urlKeyIsRefusedUnshown() {
    for (String shape : SecretShapes.all()) {
      Throwable thrown = catchThrowable(() -> AcmeSettings.fromMap(acme(shape), Map.of()));
      boolean base64url = shape.matches("[A-Za-z0-9_-]+") || shape.startsWith("{xor}BS");
      if (base64url) {
        assertThat(thrown).as("%s is base64url (decoded, for {xor})", shape).isNull();
        continue;
      }
      assertThat(thrown)
          .as(shape)
          .isInstanceOfSatisfying(
              PortcullisException.class,
              e -> assertThat(e.messageId()).isIn("PRTC0501E", "PRTC0502E"));
      SecretShapes.assertHidden("acmeEabKey=" + shape, thrown);
    }
  }

  @Test
  void aBase64urlKeyIsTaken() throws Exception {
    assertThat(AcmeSettings.fromMap(acme("c2VjcmV0LWhtYWMta2V5"), Map.of()).eabKey()).isPresent();
  }
}
