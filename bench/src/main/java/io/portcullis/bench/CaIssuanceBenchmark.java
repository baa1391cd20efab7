package io.portcullis.bench;

import io.portcullis.ca.AreaSpec;
import io.portcullis.ca.CaSpec;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.LeafIssuer;
import io.portcullis.ca.LeafProfile;
import io.portcullis.ca.Pem;
import io.portcullis.ca.RootKey;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.ca.SigningProvider;
import io.portcullis.ca.Usage;
import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issuance of a P-256 leaf from a P-256 CSR by a P-256 area intermediate: CSR proof-of-possession
 * check, key and name checks against the registration, certificate build and signature, DER parse
 * into an {@link X509Certificate}. The signing and CSR-verifying provider is the parameter: Bouncy
 * Castle or the JDK's SunEC. State-directory writes (fsync) are not included; see bench/RESULTS.md.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar CaIssuance -f 1 -wi 3 -i 5 -t 2}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CaIssuanceBenchmark {
  private static final String SPIFFE_ID = "spiffe://corp.example/payments/api";
  private static final int CSRS = 64;

  @Param({"BC", "JDK"})
  public String provider;

  private Path dir;
  private LeafIssuer issuer;
  private LeafProfile profile;
  private PKCS10CertificationRequest[] csrs;
  private final SecureRandom random = new SecureRandom();

  @Setup(Level.Trial)
  public void setUp() throws PortcullisException, IOException {
    dir = Files.createTempDirectory("portcullis-bench");
    RootKeySpec rootKey =
        new RootKeySpec.Pkcs12(dir.resolve("root.p12"), "bench-only".toCharArray());
    CertificateAuthority ca =
        CertificateAuthority.init(
            dir.resolve("ca"),
            CaSpec.of("Bench", "corp.example", null, KeyType.P256, Duration.ofDays(3650)),
            rootKey,
            "bench",
            Clock.systemUTC(),
            random);
    ca.createArea(
        AreaSpec.of(
            "payments",
            "spiffe://corp.example/payments/",
            List.of("payments.corp.example"),
            Duration.ofDays(7),
            KeyType.P256,
            Duration.ofDays(365)),
        RootKey.open(rootKey),
        "bench");
    issuer =
        new LeafIssuer(
            ca.area("payments").certificate(),
            Pem.privateKey(Files.readString(dir.resolve("ca/areas/payments/ca-key.pem"))),
            SigningProvider.valueOf(provider),
            "http://crl.corp.example/payments.crl");
    profile =
        new LeafProfile(
            SPIFFE_ID,
            List.of("api.payments.corp.example"),
            KeyType.P256,
            Set.of(Usage.SERVER, Usage.CLIENT),
            Duration.ofDays(1),
            "O=Bench,OU=payments,CN=" + SPIFFE_ID);
    csrs = new PKCS10CertificationRequest[CSRS];
    for (int i = 0; i < CSRS; i++) {
      csrs[i] =
          Csr.create(KeyType.P256.generate(random), SPIFFE_ID, List.of("api.payments.corp.example"))
              .request();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Per-thread CSR cursor, so threads do not contend on a shared counter. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public X509Certificate issueFromCsr(Cursor cursor) throws PortcullisException {
    PKCS10CertificationRequest csr = csrs[cursor.next++ & (CSRS - 1)];
    return issuer.issue(csr, profile, null, Instant.now(), null, random);
  }

  /** The CSR's proof-of-possession check alone (one ECDSA verify), for the breakdown. */
  @Benchmark
  public PKCS10CertificationRequest verifyCsrOnly(Cursor cursor) throws PortcullisException {
    PKCS10CertificationRequest csr = csrs[cursor.next++ & (CSRS - 1)];
    issuer.verifyProofOfPossession(csr);
    return csr;
  }
}
