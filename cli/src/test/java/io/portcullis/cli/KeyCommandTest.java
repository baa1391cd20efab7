package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The key subcommands against a real SoftHSM2 token: generate, CSR, CA signs, import. */
class KeyCommandTest {
  static final String LABEL = "cli";
  // surefire sets PORTCULLIS_TEST_PIN to this for the test JVM (cli/pom.xml).
  static final String PIN = "cli-pin-6620";

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void token() {
    SoftHsm.shared().initToken(LABEL, PIN);
  }

  int run(String... args) {
    return new CommandLine(new PortcullisCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void generateMakesACsrAndImportCertStoresTheChain() throws Exception {
    Path csrFile = dir.resolve("web.csr");
    int generated =
        run(
            "key",
            "generate",
            "--type",
            "pkcs11",
            "--library",
            SoftHsm.LIBRARY.toString(),
            "--token-label",
            LABEL,
            "--pin-env",
            "PORTCULLIS_TEST_PIN",
            "--alias",
            "web",
            "--algorithm",
            "EC-P256",
            "--csr",
            csrFile.toString(),
            "--subject",
            "CN=web,O=example",
            "--dns-san",
            "web.example.test",
            "--uri-san",
            "spiffe://example.test/web");
    assertThat(generated).as(err.toString()).isZero();
    assertThat(out.toString()).contains("generated web");

    PKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(csrFile))) {
      csr = (PKCS10CertificationRequest) parser.readObject();
    }
    TestPki.Ca ca = TestPki.root("CN=CLI Root");
    TestPki.Leaf leaf =
        ca.issue(
                "CN=web,O=example",
                new KeyPair(new JcaPKCS10CertificationRequest(csr).getPublicKey(), null))
            .serverAuth()
            .issueLeaf();
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, TestPki.pem(leaf.chain().toArray()), StandardCharsets.US_ASCII);

    // The same token through a config file, as an operator would keep it.
    Path config = dir.resolve("token.properties");
    Files.writeString(
        config,
        "type=pkcs11\nlibrary="
            + SoftHsm.LIBRARY
            + "\ntokenLabel="
            + LABEL
            + "\npinEnv=PORTCULLIS_TEST_PIN\n");
    assertThat(
            run(
                "key",
                "import-cert",
                "--config",
                config.toString(),
                "--alias",
                "web",
                "--cert",
                chain.toString()))
        .as(err.toString())
        .isZero();

    // Found by review: a config file holding the PIN was read whatever its permissions.
    Path open = dir.resolve("open.properties");
    Files.writeString(
        open,
        "type=pkcs11\nlibrary="
            + SoftHsm.LIBRARY
            + "\ntokenLabel="
            + LABEL
            + "\npin="
            + PIN
            + "\n");
    Files.setPosixFilePermissions(
        open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(
            run(
                "key",
                "import-cert",
                "--config",
                open.toString(),
                "--alias",
                "web",
                "--cert",
                chain.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("others can reach it", "rw-r--r--").doesNotContain(PIN);

    KeyMaterial stored =
        KeySource.of(
                KeySourceConfig.fromMap(
                    Map.of(
                        "type",
                        "pkcs11",
                        "library",
                        SoftHsm.LIBRARY.toString(),
                        "tokenLabel",
                        LABEL,
                        "pin",
                        PIN,
                        "alias",
                        "web")))
            .load();
    assertThat(stored.certificate()).isEqualTo(leaf.certificate());
    assertThat(stored.privateKey().getEncoded()).isNull();
  }

  @Test
  void importingACertificateForAnotherKeyFailsWithItsId() throws Exception {
    assertThat(
            run(
                "key",
                "generate",
                "--type",
                "pkcs11",
                "--library",
                SoftHsm.LIBRARY.toString(),
                "--token-label",
                LABEL,
                "--pin-env",
                "PORTCULLIS_TEST_PIN",
                "--alias",
                "other"))
        .as(err.toString())
        .isZero();
    TestPki.Leaf foreign = TestPki.root("CN=CLI Root").issue("CN=other").issueLeaf();
    Path chain = dir.resolve("foreign.pem");
    Files.writeString(chain, TestPki.pem(foreign.chain().toArray()), StandardCharsets.US_ASCII);
    int code =
        run(
            "key",
            "import-cert",
            "--type",
            "pkcs11",
            "--library",
            SoftHsm.LIBRARY.toString(),
            "--token-label",
            LABEL,
            "--pin-env",
            "PORTCULLIS_TEST_PIN",
            "--alias",
            "other",
            "--cert",
            chain.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0508E");
  }
}
