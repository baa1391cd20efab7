package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.portcullis.config.CertificateFiles;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Feeds mutated certificates and chains through parsing and validation: every outcome must be a
 * typed rejection (or, for a mutation that leaves the signed bytes intact, an acceptance), no
 * exception may escape, and no call may take long.
 */
class ValidatorFuzzTest {
  private static final int ROUNDS = 10_000;
  private static final long MAX_CALL_NANOS = 2_000_000_000L;
  private static final Pattern REASON = Pattern.compile("PRTC\\d{4}E");

  @Test
  void mutatedCertificatesAndChainsOnlyYieldTypedRejections() throws Exception {
    TestPki.Ca root = TestPki.root("CN=Fuzz Root");
    TestPki.Ca area = root.intermediate("CN=Fuzz Area");
    TestPki.Leaf leaf =
        area.issue("CN=fuzz")
            .uriSan("spiffe://corp/fuzz")
            .dnsSan("fuzz.svc")
            .clientAuth()
            .issueLeaf();
    byte[][] originals = {leaf.certificate().getEncoded(), area.certificate().getEncoded()};
    PkixTrustValidator validator =
        new PkixTrustValidator(
            List.of(
                new TrustArea("fuzz", List.of(root.certificate()), List.of(area.certificate())),
                // A second area (its own root, as areas that share none must have) that fails hard.
                new TrustArea(
                        "hard", List.of(TestPki.root("CN=Other Root").certificate()), List.of())
                    .withRevocation(
                        new Revocation(
                            RevocationMode.HARD_FAIL, false, CrlStore.of(List.of(area.crl()))))),
            Clock.systemUTC(),
            DenyList.empty(),
            0);
    Random random = new Random(4242);
    int parsed = 0;
    int malformed = 0;
    for (int round = 0; round < ROUNDS; round++) {
      int target = random.nextInt(2);
      byte[] mutated = mutate(originals[target], random);
      X509Certificate cert;
      try {
        cert = CertificateFiles.parse(mutated, "fuzz").get(0);
        parsed++;
      } catch (PortcullisException e) {
        assertThat(e.messageId()).isEqualTo("PRTC0703E");
        malformed++;
        cert = null;
      }
      List<X509Certificate> chain = new ArrayList<>(leaf.chain());
      if (cert != null) {
        chain.set(target, cert);
      }
      switch (random.nextInt(6)) {
        case 0 -> Collections.reverse(chain);
        case 1 -> chain.add(root.certificate());
        case 2 -> chain.add(0, area.certificate());
        case 3 -> chain = chain.subList(0, 1);
        case 4 -> {
          if (cert != null) {
            chain.add(cert);
          }
        }
        default -> {}
      }
      check(validator, chain, originals[0], random.nextBoolean() ? Purpose.CLIENT : Purpose.SERVER);
    }
    List<X509Certificate> loop = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      loop.add(leaf.certificate());
    }
    check(validator, loop, originals[0], Purpose.CLIENT);
    check(validator, Arrays.asList(leaf.certificate(), null), originals[0], Purpose.CLIENT);
    check(validator, List.of(), originals[0], Purpose.CLIENT);
    assertThat(parsed + malformed).isEqualTo(ROUNDS);
    assertThat(parsed).isGreaterThan(ROUNDS / 10);
  }

  private static void check(
      PkixTrustValidator validator, List<X509Certificate> chain, byte[] leafDer, Purpose purpose)
      throws CertificateEncodingException {
    long start = System.nanoTime();
    TrustDecision decision;
    try {
      decision = validator.validate(chain, purpose);
    } catch (RuntimeException e) {
      fail("validate() threw " + e, e);
      return;
    }
    long elapsed = System.nanoTime() - start;
    assertThat(elapsed).as("validation time").isLessThan(MAX_CALL_NANOS);
    if (decision.accepted()) {
      // Only a mutation outside the signed bytes may survive, and the leaf must be the original's.
      assertThat(chain.get(0).getTBSCertificate()).isEqualTo(TestPkiTbs.tbs(leafDer));
    } else {
      assertThat(Decisions.id(decision)).matches(REASON);
      assertThat(decision.explain()).startsWith(Decisions.id(decision));
    }
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] bytes = original.clone();
    switch (random.nextInt(5)) {
      case 0 -> {
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 2 -> {
        int at = random.nextInt(bytes.length);
        byte[] longer = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, longer, 0, at);
        longer[at] = (byte) random.nextInt(256);
        System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
        bytes = longer;
      }
      case 3 -> bytes[random.nextInt(Math.min(40, bytes.length))] = (byte) random.nextInt(256);
      default -> {
        int at = random.nextInt(bytes.length);
        bytes[at] = (byte) random.nextInt(256);
      }
    }
    return bytes;
  }

  /** The TBS bytes of a DER certificate, through the JDK. */
  private static final class TestPkiTbs {
    static byte[] tbs(byte[] der) throws CertificateEncodingException {
      try {
        return CertificateFiles.parse(der, "original").get(0).getTBSCertificate();
      } catch (PortcullisException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
