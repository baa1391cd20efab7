package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second real Liberty server (same runtime and feature, its own configuration) whose token key
 * source has the wrong PIN: it must start without ever opening its HTTPS port, say which key source
 * failed and why, and keep the PIN out of its logs. Not an Arquillian deployment: the point is the
 * server's own start.
 */
class TokenStartupFaultIT {
  private static final String SERVER = "portcullis-it-faults";
  private static final int HTTPS_PORT = 19444;
  private static final String WRONG_PIN = "wrong-pin-4f1d2c";

  private static Path wlp;
  private static Path serverDir;

  @BeforeAll
  static void startServerWithAWrongPin() throws Exception {
    Path itServer = ItServer.serverDir();
    wlp = itServer.getParent().getParent().getParent();
    serverDir = wlp.resolve("usr/servers/" + SERVER);
    Files.createDirectories(serverDir);
    Files.writeString(
        serverDir.resolve("server.xml"),
        """
        <server>
          <featureManager>
            <feature>transportSecurity-1.0</feature>
            <feature>appSecurity-5.0</feature>
            <feature>usr:portcullis-1.0</feature>
          </featureManager>
          <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="19081"
                        httpsPort="%d"/>
          <usr_portcullis>
            <keySource name="server" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                       tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_WRONG_PIN"/>
          </usr_portcullis>
          <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                    location="${server.output.dir}/portcullis/key-sources" password="unused"/>
          <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" clientAuthentication="true"/>
        </server>
        """
            .formatted(HTTPS_PORT, TokenSetup.LABEL, TokenSetup.ALIAS));
    String softHsmConf =
        Files.readAllLines(itServer.resolve("server.env")).stream()
            .filter(line -> line.startsWith("SOFTHSM2_CONF="))
            .findFirst()
            .orElseThrow();
    Files.writeString(
        serverDir.resolve("server.env"),
        softHsmConf + "\nPORTCULLIS_IT_WRONG_PIN=" + WRONG_PIN + "\n");
    run("start");
    awaitLog("CWWKF0011I", Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (serverDir != null) {
      run("stop");
    }
  }

  @Test
  void theHttpsPortNeverOpensAndTheLogSaysWhichKeySourceFailedAndWhy() throws Exception {
    String reason = awaitLog("PRTC0525E", Duration.ofSeconds(30));
    assertThat(reason).contains("key source server").contains("PRTC0505E").contains("wrong PIN");
    assertThat(awaitLog("CWPKI0809W", Duration.ofSeconds(10))).contains("defaultKeyStore");
    assertThat(log()).noneMatch(line -> line.contains("CWWKO0219I") && line.contains("-ssl"));
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
    awaitLog("PRTC0525E", Duration.ofSeconds(30));
    try (var logs = Files.walk(serverDir.resolve("logs"))) {
      for (Path file : logs.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
            .as(file.toString())
            .doesNotContain(WRONG_PIN);
      }
    }
  }

  private static void run(String action) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(wlp.resolve("bin/server").toString(), action, SERVER)
            .redirectErrorStream(true)
            .redirectOutput(serverDir.resolve(action + ".out").toFile())
            .start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("server " + action + " did not finish");
    }
  }

  private static List<String> log() throws IOException {
    Path messages = serverDir.resolve("logs/messages.log");
    return Files.exists(messages) ? Files.readAllLines(messages) : List.of();
  }

  private static String awaitLog(String fragment, Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      for (String line : log()) {
        if (line.contains(fragment)) {
          return line;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(fragment + " not logged by " + SERVER + " within " + wait);
  }
}
