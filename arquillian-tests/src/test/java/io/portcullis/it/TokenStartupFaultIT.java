package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second real Liberty server whose token key source has the wrong PIN: it must start without ever
 * opening its HTTPS port, say which key source failed and why, and keep the PIN out of its logs.
 * Not an Arquillian deployment: the point is the server's own start.
 */
class TokenStartupFaultIT {
  private static final int HTTPS_PORT = 19444;
  private static final String WRONG_PIN = "wrong-pin-4f1d2c";

  private static SecondServer server;

  @BeforeAll
  static void startServerWithAWrongPin() throws Exception {
    String softHsmConf =
        Files.readAllLines(ItServer.serverDir().resolve("server.env")).stream()
            .filter(line -> line.startsWith("SOFTHSM2_CONF="))
            .map(line -> line.substring(line.indexOf('=') + 1))
            .findFirst()
            .orElseThrow();
    server =
        SecondServer.create(
            "portcullis-it-faults",
            SecondServer.keySourceServerXml(
                19081,
                HTTPS_PORT,
                """
                <keySource name="server" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                           tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_WRONG_PIN"/>
                """
                    .formatted(TokenSetup.LABEL, TokenSetup.ALIAS),
                "clientAuthentication=\"true\""),
            Map.of("SOFTHSM2_CONF", softHsmConf, "PORTCULLIS_IT_WRONG_PIN", WRONG_PIN));
    server.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theHttpsPortNeverOpensAndTheLogSaysWhichKeySourceFailedAndWhy() throws Exception {
    String reason = server.awaitLog("PRTC0525E", Duration.ofSeconds(30));
    assertThat(reason).contains("key source server").contains("PRTC0505E").contains("wrong PIN");
    assertThat(server.awaitLog("CWPKI0809W", Duration.ofSeconds(10))).contains("defaultKeyStore");
    assertThat(server.log())
        .noneMatch(line -> line.contains("CWWKO0219I") && line.contains("-ssl"));
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", HTTPS_PORT), 5_000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void theWrongPinIsInNoLog() throws Exception {
    server.awaitLog("PRTC0525E", Duration.ofSeconds(30));
    assertThat(server.logsContain(WRONG_PIN)).isFalse();
  }
}
