package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenSlots;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.testing.MutableClock;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root ceremony with the root key generated inside a PKCS#11 token: SoftHSM2 with a private
 * token directory per run (surefire sets SOFTHSM2_CONF). Fails, naming the package, when SoftHSM2
 * is not installed.
 */
class Pkcs11RootKeyTest {
  @TempDir Path temp;

  @Test
  void theRootKeyLivesAndSignsInTheToken() throws Exception {
    // The run's SoftHSM2 store (SOFTHSM2_CONF, set by surefire), shared with the key CLI tests:
    // a token of our own in it, addressed by its slot, never by list position.
    SoftHsm hsm = SoftHsm.shared();
    hsm.initToken("portcullis-root", "87654321");
    long slot = TokenSlots.slotOf(SoftHsm.LIBRARY, "portcullis-root");
    Path config = temp.resolve("root-hsm.cfg");
    Files.writeString(
        config,
        "name = PortcullisRootTest\n"
            + "library = "
            + SoftHsm.LIBRARY
            + "\n"
            + "slot = "
            + slot
            + "\n"
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
