package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root ceremony with the root key generated inside a PKCS#11 token: SoftHSM2 with a private
 * token directory per run (surefire sets SOFTHSM2_CONF). Skipped when SoftHSM2 is not installed.
 */
class Pkcs11RootKeyTest {
  static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  @TempDir Path temp;

  @Test
  void theRootKeyLivesAndSignsInTheToken() throws Exception {
    String conf = System.getenv("SOFTHSM2_CONF");
    assumeTrue(Files.isReadable(LIBRARY) && conf != null, "SoftHSM2 not installed");
    Path confFile = Path.of(conf);
    Path tokens = confFile.resolveSibling("tokens");
    if (Files.exists(tokens)) {
      try (Stream<Path> walk = Files.walk(tokens)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(
        confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n");
    Process init =
        new ProcessBuilder(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                "portcullis-root",
                "--so-pin",
                "12345678",
                "--pin",
                "87654321")
            .redirectErrorStream(true)
            .start();
    String output =
        new String(init.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(init.waitFor()).as(output).isZero();
    Path config = temp.resolve("root-hsm.cfg");
    Files.writeString(
        config,
        "name = PortcullisRootTest\n"
            + "library = "
            + LIBRARY
            + "\n"
            + "slotListIndex = 0\n"
            + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
            + "  CKA_SENSITIVE = true\n"
            + "  CKA_EXTRACTABLE = false\n"
            + "}\n");
    RootKeySpec spec = new RootKeySpec.Pkcs11(config, "87654321".toCharArray(), "portcullis-root");
    MutableClock clock = new MutableClock(java.time.Instant.now());
    CertificateAuthority ca =
        CertificateAuthority.init(
            temp.resolve("ca"),
            CaSpec.of("Corp", "corp.example", null, KeyType.P256, Duration.ofDays(3650)),
            spec,
            "root-ceremony",
            clock,
            CaFixture.RANDOM);
    RootKey rootKey = RootKey.open(spec);
    // Generated in the token, sensitive and not extractable: no encoding leaves it.
    assertThat(rootKey.privateKey().getEncoded()).isNull();
    assertThat(rootKey.certificate()).isEqualTo(ca.rootCertificate());
    ca.createArea(
        AreaSpec.of(
            "payments",
            CaFixture.PREFIX,
            List.of(),
            Duration.ofDays(1),
            KeyType.P256,
            Duration.ofDays(30)),
        rootKey,
        "root-ceremony");
    JoinToken token =
        ca.register(
            new WorkloadRegistration(
                "payments",
                IssuanceTest.API,
                List.of(),
                KeyType.P256,
                Duration.ofHours(1),
                java.util.Set.of(Usage.CLIENT),
                "alice",
                Duration.ofHours(1)),
            "alice");
    IssuedCertificate leaf =
        ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), IssuanceTest.API), null, "bob");
    assertThat(
            new PkixTrustValidator(ca.trustAreas(), clock)
                .validate(leaf.chain(), Purpose.CLIENT)
                .accepted())
        .isTrue();
    assertThat(Files.readString(temp.resolve("ca/portcullis-ca.json"))).contains("pkcs11");
  }
}
