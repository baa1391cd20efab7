package io.portcullis.bench;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.keys.testing.SwTpm;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw P-256 signatures per second (one thread) with the key in a file-backed JDK key, in SoftHSM2
 * and in swtpm through tpm2-abrmd: the cost a TLS handshake pays for the server's or client's
 * CertificateVerify. The tokens are started by the harness; the forked JVM needs their environment,
 * e.g.:
 *
 * <pre>
 * D=$(mktemp -d); SOFTHSM2_CONF=$D/hsm/softhsm2.conf TPM2_PKCS11_STORE=$D/tpm/store \
 *   TPM2_PKCS11_TCTI=tabrmd:bus_type=session DBUS_SESSION_BUS_ADDRESS=unix:path=$D/tpm/bus \
 *   TPM2_PKCS11_LOG_LEVEL=0 java -jar bench/target/benchmarks.jar KeySourceSigning
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeySourceSigningBenchmark {
  private static final String PIN = "bench-pin-1";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Param({"file", "softhsm", "swtpm"})
  public String source;

  private Signature signer;
  private final byte[] message = new byte[32];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RANDOM.nextBytes(message);
    PrivateKey key;
    switch (source) {
      case "file" -> {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        key = pair.getPrivate();
      }
      case "softhsm" -> {
        SoftHsm hsm = SoftHsm.shared();
        hsm.initToken("bench", PIN);
        key = tokenKey(KeySourceConfig.fromMap(hsm.keySource("bench", PIN, "bench")));
      }
      case "swtpm" -> {
        SwTpm tpm = SwTpm.shared();
        tpm.addToken("bench", PIN);
        key = tokenKey(KeySourceConfig.fromMap(tpm.keySource("bench", PIN, "bench")));
      }
      default -> throw new IllegalArgumentException(source);
    }
    signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
  }

  private static PrivateKey tokenKey(KeySourceConfig config) throws Exception {
    TokenKeys keys = TokenKeys.open(config);
    keys.generate("bench", KeyType.P256);
    // The placeholder certificate is enough to load validated material.
    KeyMaterial material = KeySource.of(config).load();
    return material.privateKey();
  }

  @Benchmark
  public byte[] sign() throws Exception {
    signer.update(message);
    return signer.sign();
  }
}
