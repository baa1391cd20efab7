package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator changes a token's PIN with {@code pkcs11-tool --change-pin} while a real Liberty
 * server serves from it. The server keeps serving on its login; after a restart with the old PIN
 * still configured, the token refuses it once and the feature never sends it again, however often
 * the key store is loaded; the new PIN written into server.xml is tried at once, without a restart
 * ({@code PRTC0560I}), and serves after the restart Liberty needs to load again a key store that
 * failed at its start. Every C_Login the token sees is counted through OpenSC's pkcs11-spy.
 */
class TokenPinChangeIT {
  private static final int HTTP_PORT = 19094;
  private static final int HTTPS_PORT = 19461;
  private static final Path SOFTHSM = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final Path SPY = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11-spy.so");
  private static final Path TOOL = Path.of("/usr/bin/pkcs11-tool");
  private static final Pattern LOGIN = Pattern.compile("^\\d+: C_Login\\b", Pattern.MULTILINE);
  private static final String NEW_PIN = "changed-pin-5e71a9";

  private static SecondServer server;
  private static Path spyLog;
  private static String softHsmConf;
  private static String oldPin;

  private static String env(String name) throws Exception {
    return Files.readAllLines(ItServer.serverDir().resolve("server.env")).stream()
        .filter(line -> line.startsWith(name + "="))
        .map(line -> line.substring(line.indexOf('=') + 1))
        .findFirst()
        .orElseThrow();
  }

  private static String serverXml(String pin) {
    return SecondServer.renewingServerXml(
        HTTP_PORT,
        HTTPS_PORT,
        """
        <keySource name="server" type="pkcs11" library="%s" tokenLabel="%s" alias="%s"
                   pin="%s"/>
        """
            .formatted(SPY, TokenSetup.PIN_CHANGE_LABEL, TokenSetup.ALIAS, pin),
        TokenSetup.ALIAS,
        "");
  }

  @BeforeAll
  static void startServingFromTheToken() throws Exception {
    Assumptions.assumeTrue(
        Files.exists(SPY) && Files.exists(TOOL), "OpenSC (pkcs11-spy, pkcs11-tool) not installed");
    softHsmConf = env("SOFTHSM2_CONF");
    oldPin = env("PORTCULLIS_IT_PINCHANGE_PIN");
    spyLog = Files.createTempFile("portcullis-pin-change-spy", ".log");
    server =
        SecondServer.create(
            "portcullis-it-pin-change",
            serverXml(oldPin),
            Map.of(
                "SOFTHSM2_CONF", softHsmConf,
                "PKCS11SPY", SOFTHSM.toString(),
                "PKCS11SPY_OUTPUT", spyLog.toString()));
    server.start();
  }

  @AfterAll
  static void stopServerAndPutTheOldPinBack() throws Exception {
    if (server == null) {
      return;
    }
    server.close();
    try {
      changePin(NEW_PIN, oldPin);
    } catch (AssertionError e) {
      // the test failed before the change: the token still has the old PIN
    }
    Files.deleteIfExists(spyLog);
  }

  private static long logins() throws Exception {
    return LOGIN.matcher(Files.readString(spyLog)).results().count();
  }

  private static X509Certificate served(Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      try {
        return MtlsClient.presentedCertificate(HTTPS_PORT);
      } catch (java.io.IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("port " + HTTPS_PORT + " not serving within " + wait, e);
        }
        Thread.sleep(500);
      }
    }
  }

  private static void changePin(String from, String to) throws Exception {
    Process tool =
        new ProcessBuilder(
                TOOL.toString(),
                "--module",
                SOFTHSM.toString(),
                "--token-label",
                TokenSetup.PIN_CHANGE_LABEL,
                "--login",
                "--pin",
                from,
                "--change-pin",
                "--new-pin",
                to)
            .redirectErrorStream(true)
            .redirectOutput(server.dir().resolve("change-pin.out").toFile())
            .start();
    tool.getOutputStream().close();
    assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tool.exitValue())
        .as(Files.readString(server.dir().resolve("change-pin.out")))
        .isZero();
  }

  @Test
  void aPinChangedWhileServingIsTriedOnceAfterARestartAndTheNewOneAtOnce() throws Exception {
    X509Certificate before = served(Duration.ofSeconds(60));
    assertThat(logins()).as("the server logged in once").isEqualTo(1);

    // The HSM's administrator changes the PIN; the server's login stands and it keeps serving.
    changePin(oldPin, NEW_PIN);
    assertThat(served(Duration.ofSeconds(10))).isEqualTo(before);

    // The token restarts (here: the server), the configuration still holds the old PIN.
    server.close();
    Files.writeString(spyLog, "");
    server.start();
    assertThat(server.awaitLog("PRTC0505E", Duration.ofSeconds(60))).contains("wrong PIN");
    // Liberty loads the key store more than once as it starts, and a key probe runs: none of
    // them sends the refused PIN again.
    Thread.sleep(Duration.ofSeconds(35).toMillis());
    assertThat(logins()).as("one login with the refused PIN, however many loads").isEqualTo(1);

    // The operator writes the new PIN into server.xml: tried at once, without a restart.
    Files.writeString(server.dir().resolve("server.xml"), serverXml(NEW_PIN));
    assertThat(server.awaitLog("PRTC0560I", Duration.ofSeconds(60))).contains("server");
    assertThat(logins()).as("one more login, with the new PIN").isEqualTo(2);
    // Liberty does not load again a key store that failed at its start: the port opens with the
    // restart PRTC0560I asks for, on the new PIN.
    server.close();
    server.start();
    assertThat(served(Duration.ofSeconds(60))).isEqualTo(before);
    assertThat(logins()).as("the restarted server logs in once").isEqualTo(3);
    assertThat(server.logsContain(oldPin)).isFalse();
    assertThat(server.logsContain(NEW_PIN)).isFalse();
  }
}
