package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** One key type for the whole product: the CA's and the key sources' spellings both parse. */
class KeyTypeTest {

  @ParameterizedTest
  @CsvSource({
    "P-256, P256",
    "p256, P256",
    "EC-P256, P256",
    "ec_p256, P256",
    "P-384, P384",
    "EC-P384, P384",
    "RSA-2048, RSA2048",
    "rsa_3072, RSA3072",
    "RSA 4096, RSA4096"
  })
  void parsesEverySpellingTheConfigurationAndCommandsUse(String text, KeyType expected)
      throws PortcullisException {
    assertThat(KeyType.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"P-521", "RSA-1024", "EC", "ed25519", "''"})
  void refusesAnythingElseWithItsId(String text) {
    assertThatThrownBy(() -> KeyType.parse(text))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0533E");
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aGeneratedKeyIsOfItsOwnType(KeyType type) throws PortcullisException {
    PublicKey key = type.generate(new SecureRandom()).getPublic();
    assertThat(KeyType.of(key)).isEqualTo(type);
    assertThat(KeyType.find(key)).contains(type);
  }

  @Test
  void keysBelowPolicyHaveNoType() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    PublicKey weak = rsa.generateKeyPair().getPublic();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp521r1"));
    PublicKey otherCurve = ec.generateKeyPair().getPublic();

    assertThat(KeyType.find(weak)).isEmpty();
    assertThat(KeyType.find(otherCurve)).isEmpty();
    assertThat(KeyType.describe(weak)).isEqualTo("RSA 1024 bits");
    assertThatThrownBy(() -> KeyType.of(otherCurve))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0533E")
        .hasMessageContaining("EC 521 bits");
  }
}
