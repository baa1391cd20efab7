package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.testing.ModuleTokens;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A PIN the token refuses, on a real SoftHSM2 token reached through OpenSC's pkcs11-spy, which
 * writes down every call, so the logins the token saw are counted.
 *
 * <p>The token refuses a PIN here because the configuration holds one it never had. In production
 * it is as often a PIN changed on the token (an HSM's administrator, {@code pkcs11-tool
 * --change-pin}) after the server logged in, seen when the token restarts; SoftHSM2 reads a token's
 * PIN once per process, so that order cannot be played in one test JVM, but what the feature does
 * next is the same: the token's answer is all it goes by.
 */
class PinLifecycleTest {
  private static final Path SPY = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11-spy.so");
  private static final String LABEL = ModuleTokens.PIN_LIFECYCLE;
  private static final String STALE_PIN = "stale-pin-2718";
  private static final Pattern LOGIN = Pattern.compile("^\\d+: C_Login\\b", Pattern.MULTILINE);

  private static KeySourceConfig config(SoftHsm hsm, String pin) throws PortcullisException {
    Map<String, String> values = new java.util.HashMap<>(hsm.keySource(LABEL, pin, "server"));
    values.put("library", SPY.toString());
    return KeySourceConfig.fromMap(values);
  }

  private static long logins() throws Exception {
    Path log = Path.of(System.getenv("PKCS11SPY_OUTPUT"));
    return Files.exists(log) ? LOGIN.matcher(Files.readString(log)).results().count() : 0;
  }

  @Test
  void aPinTheTokenRefusedIsNeverSentAgainAndANewOneIsTriedAtOnce() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(SPY), "OpenSC's pkcs11-spy (package opensc-pkcs11) is not installed");
    SoftHsm hsm = ModuleTokens.ready();
    long before = logins();

    // Found by review: every load (each tick of the key probe) logged in again with a PIN the
    // token had refused, each attempt counting towards the token's lockout.
    KeySource stale = KeySource.of(config(hsm, STALE_PIN));
    assertThatThrownBy(stale::load)
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0505E"));
    assertThat(logins()).as("one login with the stale PIN, refused").isEqualTo(before + 1);
    for (int tick = 0; tick < 5; tick++) {
      assertThatThrownBy(stale::load)
          .isInstanceOfSatisfying(
              PortcullisException.class,
              e -> {
                assertThat(e.messageId()).isEqualTo("PRTC0545E");
                assertThat(e.getMessage()).contains("PRTC0505E").doesNotContain(STALE_PIN);
              });
    }
    // Nor does a new configuration with the same PIN send it again.
    assertThatThrownBy(() -> KeySource.of(config(hsm, STALE_PIN)).load())
        .hasMessageStartingWith("PRTC0545E");
    assertThat(logins()).as("no login with a PIN the token refused").isEqualTo(before + 1);

    // The operator writes the right PIN into the configuration: it is tried at once, and works.
    TokenKeys keys = TokenKeys.open(config(hsm, ModuleTokens.PIN));
    assertThat(logins()).as("one login with the right PIN").isEqualTo(before + 2);
    keys.generate("server", KeyType.P256);
    Csr csr = keys.csr("server", "CN=server", List.of("localhost"), List.of());
    TestPki.Ca ca = TestPki.root("CN=PIN lifecycle root");
    keys.storeCertificate(
        "server",
        ca.issue(
                "CN=server",
                new KeyPair(
                    new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csr.request())
                        .getPublicKey(),
                    null))
            .dnsSan("localhost")
            .serverAuth()
            .issueLeaf()
            .chain());
    assertThat(KeySource.of(config(hsm, ModuleTokens.PIN)).load().certificate()).isNotNull();
  }
}
