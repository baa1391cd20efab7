package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * A CA on disk with the area {@code ops} and a {@code localhost} server certificate for {@code ca
 * serve}, on the system clock (the TLS stacks check validity against it).
 */
final class ServedCa {
  final CaFixture fixture;
  final CertificateAuthority ca;
  final SSLContext serverTls;

  private ServedCa(CaFixture fixture, CertificateAuthority ca, SSLContext serverTls) {
    this.fixture = fixture;
    this.ca = ca;
    this.serverTls = serverTls;
  }

  static ServedCa create(Path temp) throws Exception {
    CaFixture f = new CaFixture(temp);
    CertificateAuthority ca = CertificateAuthority.open(f.dir, Clock.systemUTC(), CaFixture.RANDOM);
    ca.createArea(
        AreaSpec.of(
            "ops",
            "spiffe://corp.example/ops/",
            List.of("localhost"),
            Duration.ofDays(30),
            KeyType.P256,
            Duration.ofDays(365)),
        RootKey.open(f.rootKeySpec),
        "root-ceremony");
    JoinToken serverToken =
        ca.register(
            new WorkloadRegistration(
                "ops",
                "spiffe://corp.example/ops/ca",
                List.of("localhost"),
                KeyType.P256,
                Duration.ofDays(30),
                Set.of(Usage.SERVER),
                "alice",
                Duration.ofHours(1)),
            "alice");
    KeyPair serverKeys = CaFixture.p256();
    IssuedCertificate serverCert =
        ca.issue(
            serverToken.token(),
            CaFixture.csr(serverKeys, "spiffe://corp.example/ops/ca", "localhost"),
            null,
            "alice");
    return new ServedCa(
        f,
        ca,
        CaServerTls.context(ca, serverCert.chain(), serverKeys.getPrivate(), CaFixture.RANDOM));
  }

  /** A client context that trusts the root and presents no certificate. */
  SSLContext anonymousClient() throws Exception {
    return CaTls.context(List.of(), null, ca.rootCertificate(), CaFixture.RANDOM);
  }
}
