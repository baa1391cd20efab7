package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.testing.SwTpm;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's TLS key in a TPM 2.0 (swtpm behind tpm2-abrmd, through tpm2-pkcs11), the way an
 * operator sets it up: {@code portcullis key generate} makes the key inside the TPM and a CSR, the
 * dev area signs it, {@code portcullis key import-cert} stores the chain back, and a Liberty server
 * whose {@code <keySource type="tpm">} names the token presents that certificate on its HTTPS port.
 * The TPM daemons and the server are started here and stopped afterwards.
 */
class TpmIdentityIT {
  private static final int HTTPS_PORT = 19445;
  private static final String LABEL = "portcullis-it-tpm";
  private static final String ALIAS = "server";
  private static final String SPIFFE_ID = "spiffe://demo.portcullis.dev/tpm/server";

  private static SwTpm tpm;
  private static SecondServer server;
  private static X509Certificate issued;
  private static String pin;

  @BeforeAll
  static void keyInTheTpmAndAServerThatUsesIt() throws Exception {
    Path work = Path.of("target/tpm-it").toAbsolutePath();
    tpm = SwTpm.start(work, work.resolve("store"), work.resolve("bus"));
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    pin = HexFormat.of().formatHex(random);
    tpm.addToken(LABEL, pin);
    Map<String, String> environment = new HashMap<>(tpm.environment());
    environment.put("PORTCULLIS_IT_TPM_PIN", pin);

    Path csr = work.resolve("server.csr");
    cli(
        environment,
        work,
        "generate",
        "--csr",
        csr.toString(),
        "--subject",
        "CN=localhost,O=Portcullis Dev",
        "--dns-san",
        "localhost",
        "--uri-san",
        SPIFFE_ID);
    Instant now = Instant.now();
    TestPki.Ca area = ItServer.devArea();
    issued =
        area.issue("CN=localhost, O=Portcullis Dev", new KeyPair(publicKeyOf(csr), null))
            .dnsSan("localhost")
            .uriSan(SPIFFE_ID)
            .serverAuth()
            .validity(now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)))
            .build();
    Path chain = work.resolve("chain.pem");
    Files.writeString(chain, TestPki.pem(issued, area.certificate()));
    cli(environment, work, "import-cert", "--cert", chain.toString());

    server =
        SecondServer.create(
            "portcullis-it-tpm",
            SecondServer.keySourceServerXml(
                19082,
                HTTPS_PORT,
                """
                <keySource name="server" type="tpm" tokenLabel="%s" alias="%s"
                           pinEnv="PORTCULLIS_IT_TPM_PIN"/>
                """
                    .formatted(LABEL, ALIAS),
                ""),
            environment);
    server.start();
  }

  @AfterAll
  static void stopServerAndTpm() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (tpm != null) {
        tpm.close();
      }
    }
  }

  @Test
  void httpsPortPresentsTheCertificateOfTheKeyInTheTpm() throws Exception {
    String served = server.awaitLog("PRTC0528I", Duration.ofSeconds(60));
    assertThat(served).contains("key source server").contains("SunPKCS11");
    server.awaitLog("CWWKO0219I: TCP Channel defaultHttpEndpoint-ssl", Duration.ofSeconds(30));
    // The handshake completes only if the TPM signed it with the key the certificate certifies.
    assertThat(MtlsClient.presentedCertificate(HTTPS_PORT)).isEqualTo(issued);
  }

  @Test
  void thePinIsInNoLog() throws Exception {
    server.awaitLog("PRTC0528I", Duration.ofSeconds(60));
    assertThat(server.logsContain(pin)).isFalse();
  }

  private static java.security.PublicKey publicKeyOf(Path csr) throws Exception {
    try (Reader reader = Files.newBufferedReader(csr);
        PEMParser parser = new PEMParser(reader)) {
      return new JcaPKCS10CertificationRequest((PKCS10CertificationRequest) parser.readObject())
          .getPublicKey();
    }
  }

  /**
   * Runs {@code portcullis key SUBCOMMAND} (the shaded jar the build made) on this test's TPM token
   * and key, with {@code environment}.
   */
  private static void cli(
      Map<String, String> environment, Path work, String subcommand, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("portcullis.it.cli.jar"));
    command.addAll(
        List.of(
            "key",
            subcommand,
            "--type",
            "tpm",
            "--token-label",
            LABEL,
            "--pin-env",
            "PORTCULLIS_IT_TPM_PIN",
            "--alias",
            ALIAS));
    command.addAll(List.of(arguments));
    Path output = work.resolve("cli-" + subcommand + ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("portcullis " + String.join(" ", arguments) + " hung");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "portcullis "
              + arguments[0]
              + " "
              + arguments[1]
              + " failed: "
              + Files.readString(output));
    }
  }
}
