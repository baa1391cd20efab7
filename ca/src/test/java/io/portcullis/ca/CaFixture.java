package io.portcullis.ca;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** A CA made in a temp directory: root, one area "payments", helpers for workloads. */
final class CaFixture {
  static final String TRUST_DOMAIN = "corp.example";
  static final String PREFIX = "spiffe://corp.example/payments/";
  static final char[] PASSPHRASE = "correct horse battery".toCharArray();
  static final SecureRandom RANDOM = new SecureRandom();

  final Path dir;
  final Path rootKeyFile;
  final MutableClock clock = new MutableClock(Instant.now());
  final CertificateAuthority ca;
  final RootKeySpec rootKeySpec;

  CaFixture(Path temp) throws PortcullisException {
    this(temp, SigningProvider.BC);
  }

  CaFixture(Path temp, SigningProvider signing) throws PortcullisException {
    dir = temp.resolve("ca");
    rootKeyFile = temp.resolve("offline/root.p12");
    rootKeySpec = new RootKeySpec.Pkcs12(rootKeyFile, PASSPHRASE);
    CertificateAuthority.init(
        dir,
        CaSpec.of("Corp", TRUST_DOMAIN, null, KeyType.P256, Duration.ofDays(3650)),
        rootKeySpec,
        "root-ceremony",
        clock,
        RANDOM);
    ca = CertificateAuthority.open(dir, clock, RANDOM, signing);
    ca.createArea(
        AreaSpec.of(
            "payments",
            PREFIX,
            List.of("payments.corp.example"),
            Duration.ofDays(7),
            KeyType.P256,
            Duration.ofDays(1825)),
        RootKey.open(rootKeySpec),
        "root-ceremony");
  }

  JoinToken register(String name, String... dns) throws PortcullisException {
    return ca.register(
        new WorkloadRegistration(
            "payments",
            PREFIX + name,
            List.of(dns),
            KeyType.P256,
            Duration.ofDays(1),
            Set.of(Usage.SERVER, Usage.CLIENT),
            "alice",
            Duration.ofHours(1)),
        "alice");
  }

  static PKCS10CertificationRequest csr(KeyPair keys, String spiffeId, String... dns)
      throws PortcullisException {
    return Csr.create(keys, spiffeId, List.of(dns)).request();
  }

  static KeyPair p256() {
    return KeyType.P256.generate(RANDOM);
  }

  /** Every state file and its bytes, except the audit log (which refusals append to). */
  Map<String, String> snapshot() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(file).toString();
        if (!name.startsWith("audit.jsonl") && !name.equals(".lock")) {
          files.put(name, java.util.HexFormat.of().formatHex(Files.readAllBytes(file)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  List<String> audit() {
    try {
      return Files.readAllLines(dir.resolve("audit.jsonl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
