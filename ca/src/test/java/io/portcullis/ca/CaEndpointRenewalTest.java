package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalAgent;
import io.portcullis.trust.TrustArea;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal agent against {@code ca serve} over real mTLS: the agent presents the credential it
 * renews, trusts only the root it was given, and keeps serving while the endpoint is away.
 */
class CaEndpointRenewalTest {
  private static final char[] PASSWORD = "p12-password".toCharArray();
  private static final String ID = "spiffe://corp.example/ops/api";

  @TempDir Path temp;
  ServedCa served;
  CaServer server;
  Path p12;
  Path rootFile;
  IssuedCertificate first;
  final List<KeyMaterial> swapped = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void setUp() throws Exception {
    served = ServedCa.create(temp);
    p12 = temp.resolve("keys/server.p12");
    first = workload(served.ca, ID, Set.of(Usage.SERVER, Usage.CLIENT), p12);
    rootFile = temp.resolve("root.pem");
    Files.writeString(rootFile, Pem.encode(served.ca.rootCertificate()), StandardCharsets.US_ASCII);
    server = CaServer.start(served.ca, new InetSocketAddress("localhost", 0), served.serverTls);
  }

  @AfterEach
  void tearDown() {
    server.close();
    scheduler.shutdownNow();
  }

  @Test
  void threeRenewalsOverTheEndpointEachMakeAFreshKeyAndChainBackToTheFirst() throws Exception {
    RenewalAgent agent = agent(issuer());
    Set<PublicKey> keys = new HashSet<>(Set.of(first.certificate().getPublicKey()));
    List<X509Certificate> leaves = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      X509Certificate leaf = agent.renewNow().certificate();
      assertThat(keys.add(leaf.getPublicKey())).as("renewal %d reuses a key", i + 1).isTrue();
      assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
          .as("the lifetime asked for travels to the endpoint")
          .isEqualTo(Duration.ofSeconds(60));
      leaves.add(leaf);
    }
    assertThat(swapped).extracting(KeyMaterial::certificate).containsExactlyElementsOf(leaves);
    assertThat(served.ca.lineage(leaves.get(2)).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(
            first.sha256(),
            CaContext.sha256(leaves.get(0)),
            CaContext.sha256(leaves.get(1)),
            CaContext.sha256(leaves.get(2)));
    assertThat(Files.readString(served.ca.directory().resolve("audit.jsonl")))
        .as("the CA knows who renewed: the workload the TLS handshake proved")
        .contains("ca-serve:" + ID);
  }

  @Test
  void whileTheEndpointIsAwayTheOldCredentialStaysAndTheNextAttemptRenews() throws Exception {
    RenewalAgent agent = agent(issuer());
    int port = server.port();
    byte[] before = Files.readAllBytes(p12);
    server.close();

    assertThatThrownBy(agent::renewNow)
        .hasMessageStartingWith("PRTC0462E")
        .hasMessageContaining("https://localhost:" + port + "/v1/renew");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(KeySource.of(config()).load().certificate()).isEqualTo(first.certificate());
    try (var siblings = Files.list(p12.getParent())) {
      assertThat(siblings).as("the key made for the failed attempt is gone").containsOnly(p12);
    }
    assertThat(swapped).isEmpty();

    assertThat(agent.status().lastErrorId()).contains("PRTC0462E");
    assertThat(agent.status().consecutiveFailures()).isEqualTo(1);
    assertThat(agent.status().lastSucceeded()).isFalse();

    server = CaServer.start(served.ca, new InetSocketAddress("localhost", port), served.serverTls);
    KeyMaterial renewed = agent.renewNow();
    assertThat(served.ca.lineage(renewed.certificate()).certificates()).hasSize(2);
    assertThat(agent.status().consecutiveFailures()).isZero();
    assertThat(agent.status().attempts()).isEqualTo(2);
    assertThat(agent.status().successes()).isEqualTo(1);
    assertThat(agent.status().failuresById()).containsExactly(Map.entry("PRTC0462E", 1L));
    assertThat(agent.status().lastSucceeded()).isTrue();
  }

  @Test
  void aRenewalCutShortAfterTheEndpointIssuedIsFinishedFromTheEndpointAtTheNextStart()
      throws Exception {
    Issuer endpoint = issuer();
    RenewalAgent crashing =
        agent(
            new Wrapped(endpoint) {
              @Override
              public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
                  throws PortcullisException {
                endpoint.renew(current, newKeys);
                throw new Crash(); // the process dies before the chain is stored
              }
            });
    assertThatThrownBy(crashing::renewNow).isInstanceOf(Crash.class);
    X509Certificate issued = served.ca.successor(first.certificate()).orElseThrow().certificate();
    assertThat(KeySource.of(config()).load().certificate()).isEqualTo(first.certificate());

    agent(endpoint).start();

    await(() -> !swapped.isEmpty(), "the renewal finished at start");
    assertThat(swapped.get(0).certificate()).isEqualTo(issued);
    assertThat(KeySource.of(config()).load().certificate()).isEqualTo(issued);
  }

  @Test
  void anEndpointThatTheGivenRootDoesNotVouchForIsNeverAskedAnything() throws Exception {
    ServedCa other = ServedCa.create(temp.resolve("other"));
    try (CaServer impostor =
        CaServer.start(other.ca, new InetSocketAddress("localhost", 0), other.serverTls)) {
      Issuer issuer =
          new CaEndpointIssuer(
              URI.create("https://localhost:" + impostor.port() + "/"),
              List.of(served.ca.rootCertificate()),
              Duration.ofSeconds(60));
      RenewalAgent agent = agent(issuer);

      assertThatThrownBy(agent::renewNow)
          .hasMessageStartingWith("PRTC0434E")
          .hasMessageContaining("this server refused the CA server's certificate");
      assertThatThrownBy(issuer::trust).hasMessageStartingWith("PRTC0434E");
      assertThat(other.ca.successor(first.certificate())).isEmpty();
      assertThat(swapped).isEmpty();
    }
  }

  @Test
  void theAreasFromTheEndpointAreTheCasOwnEndingAtTheGivenRoot() throws Exception {
    List<TrustArea> areas = issuer().trust();
    List<TrustArea> own = served.ca.trustAreas();
    assertThat(areas).extracting(TrustArea::name).containsExactlyInAnyOrder("payments", "ops");
    assertThat(areas)
        .extracting(TrustArea::name)
        .containsExactlyElementsOf(own.stream().map(TrustArea::name).toList());
    for (int i = 0; i < areas.size(); i++) {
      assertThat(areas.get(i).anchors()).containsExactly(served.ca.rootCertificate());
      assertThat(areas.get(i).intermediates()).isEqualTo(own.get(i).intermediates());
      assertThat(areas.get(i).scope()).isEqualTo(own.get(i).scope());
    }
  }

  @Test
  void onlyTheHolderOfACertificateLearnsItsSuccessor() throws Exception {
    URI successor = URI.create("https://localhost:" + server.port() + "/v1/successor");
    HttpResponse<String> anonymous =
        HttpClient.newBuilder()
            .sslContext(served.anonymousClient())
            .build()
            .send(HttpRequest.newBuilder(successor).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(403);

    Issuer issuer = issuer();
    KeyMaterial current = KeySource.of(config()).load();
    assertThat(issuer.successor(current)).as("not renewed yet").isEmpty();
    KeyMaterial renewed = agent(issuer).renewNow();
    assertThat(issuer.successor(current).orElseThrow().get(0)).isEqualTo(renewed.certificate());
    assertThat(issuer.successor(renewed)).isEmpty();
  }

  @Test
  void aRootFileWithoutACaCertificateIsRefusedWhenTheConfigurationIsRead() throws Exception {
    Path leaf = temp.resolve("leaf.pem");
    Files.writeString(leaf, Pem.encode(first.certificate()), StandardCharsets.US_ASCII);
    Path empty = temp.resolve("empty.pem");
    Files.writeString(empty, "", StandardCharsets.US_ASCII);

    for (Path root : List.of(leaf, empty, temp.resolve("missing.pem"))) {
      KeySourceConfig config = config(Map.of("caRoot", root.toString()));
      assertThatThrownBy(() -> RenewalIssuers.of(config.renewal(), Clock.systemUTC()))
          .as("caRoot %s", root.getFileName())
          .hasMessageStartingWith("PRTC0501E")
          .hasMessageContaining("caRoot " + root);
    }
  }

  @Test
  void aServerOnlyCertificateRenewsOverTheEndpoint() throws Exception {
    // The HTTPS identity as the demo and ca.md register it: no clientAuth in its key usage.
    Path web = temp.resolve("keys/web.p12");
    IssuedCertificate serverOnly = workload("web", Set.of(Usage.SERVER), web);
    assertThat(serverOnly.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

    KeySourceConfig config = config(Map.of("file", web.toString()));
    KeyMaterial renewed = agent(issuer(), config).renewNow();

    assertThat(served.ca.lineage(renewed.certificate()).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(serverOnly.sha256(), CaContext.sha256(renewed.certificate()));
  }

  @Test
  void aRootRolloverCarriesEveryWorkloadAcrossWithoutRestartingTheEndpoint() throws Exception {
    // caRoot is the CA's bundle (shared, or copied as it changes): the agent reads it each time.
    KeySourceConfig config = config(Map.of("caRoot", served.ca.anchorsFile().toString()));
    RenewalAgent agent = agent(issuer(config), config);
    Path batchFile = temp.resolve("keys/batch.p12");
    IssuedCertificate batch = workload("batch", Set.of(Usage.SERVER, Usage.CLIENT), batchFile);
    KeySourceConfig batchConfig =
        config(Map.of("file", batchFile.toString(), "caRoot", served.ca.anchorsFile().toString()));
    // The ceremony runs from the CLI, another process: ca serve keeps running throughout.
    CertificateAuthority ceremony =
        CertificateAuthority.open(served.ca.directory(), Clock.systemUTC(), CaFixture.RANDOM);
    RootKeySpec nextKey =
        new RootKeySpec.Pkcs12(temp.resolve("offline/root-g2.p12"), CaFixture.PASSPHRASE);
    X509Certificate nextRoot =
        ceremony.publishNextRoot(
            RootKey.open(served.fixture.rootKeySpec),
            nextKey,
            KeyType.P256,
            Duration.ofDays(3650),
            "cer");
    X509Certificate nextIntermediate =
        Pem.certificates(Files.readString(served.ca.areaCertificatesFile("ops"))).get(1);
    agent.renewNow();

    ceremony.activateNextRoot(RootKey.open(nextKey), "cer");
    KeyMaterial afterActivation = agent.renewNow();
    assertThat(afterActivation.chain())
        .as("issued through the new root at once")
        .containsExactly(afterActivation.certificate(), nextIntermediate);

    // Forced: the batch workload still holds its chain through the first root.
    ceremony.retirePreviousRoot(true, "cer");
    assertThat(Pem.certificates(Files.readString(served.ca.anchorsFile())))
        .containsExactly(nextRoot);
    KeyMaterial afterRetirement = agent.renewNow();
    assertThat(afterRetirement.chain())
        .containsExactly(afterRetirement.certificate(), nextIntermediate);
    // Its leaf is still its area's; the endpoint finds the path through the new intermediate.
    KeyMaterial batchRenewed = agent(issuer(batchConfig), batchConfig).renewNow();
    assertThat(served.ca.lineage(batchRenewed.certificate()).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(batch.sha256(), CaContext.sha256(batchRenewed.certificate()));
    assertThat(served.ca.lineage(afterRetirement.certificate()).certificates()).hasSize(4);
  }

  @Test
  void aClientCertificateTheCaDoesNotVouchForIsRefusedWithTheReason() throws Exception {
    ServedCa other = ServedCa.create(temp.resolve("other"));
    Path file = temp.resolve("keys/foreign.p12");
    IssuedCertificate foreign = workload(other.ca, ID, Set.of(Usage.SERVER, Usage.CLIENT), file);
    KeySourceConfig config = config(Map.of("file", file.toString()));

    assertThatThrownBy(() -> agent(issuer(), config).renewNow())
        .hasMessageStartingWith("PRTC0449E")
        .hasMessageContaining("403")
        .hasMessageContaining("PRTC0435E: The client certificate is refused")
        .hasMessageContaining("does not chain to a root of this CA");
    assertThat(Files.readString(served.ca.directory().resolve("audit.jsonl")))
        .doesNotContain(CaContext.sha256(foreign.certificate()));
  }

  /** A workload of area ops called {@code name} of the served CA, its first certificate in file. */
  private IssuedCertificate workload(String name, Set<Usage> usages, Path file) throws Exception {
    return workload(served.ca, "spiffe://corp.example/ops/" + name, usages, file);
  }

  /** Workload {@code id} of area ops of {@code ca}, its first certificate (10 min) in file. */
  private static IssuedCertificate workload(
      CertificateAuthority ca, String id, Set<Usage> usages, Path file) throws Exception {
    JoinToken token =
        ca.register(
            new WorkloadRegistration(
                "ops",
                id,
                List.of("localhost"),
                KeyType.P256,
                Duration.ofHours(1),
                usages,
                "alice",
                Duration.ofHours(1)),
            "alice");
    KeyPair keys = CaFixture.p256();
    IssuedCertificate issued = ca.issue(token.token(), keys, Duration.ofMinutes(10), "alice");
    Files.createDirectories(file.getParent());
    writeP12(file, keys.getPrivate(), issued.chain());
    return issued;
  }

  private Issuer issuer() throws PortcullisException {
    return issuer(config());
  }

  private Issuer issuer(KeySourceConfig config) throws PortcullisException {
    Issuer issuer = RenewalIssuers.of(config.renewal(), Clock.systemUTC());
    assertThat(issuer).isInstanceOf(CaEndpointIssuer.class);
    return issuer;
  }

  private KeySourceConfig config() throws PortcullisException {
    return config(Map.of());
  }

  private KeySourceConfig config(Map<String, String> extra) throws PortcullisException {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("type", "pkcs12");
    attributes.put("file", p12.toString());
    attributes.put("password", new String(PASSWORD));
    attributes.put("renew", "ca");
    attributes.put("caUrl", "https://localhost:" + server.port());
    attributes.put("caRoot", rootFile.toString());
    attributes.put("lifetime", "60s");
    attributes.put("renewJitter", "0");
    attributes.putAll(extra);
    return KeySourceConfig.fromMap(attributes);
  }

  private RenewalAgent agent(Issuer issuer) throws PortcullisException {
    return agent(issuer, config());
  }

  private RenewalAgent agent(Issuer issuer, KeySourceConfig config) throws PortcullisException {
    return RenewalAgent.create(
        "server", config, KeySource.of(config), issuer, swapped::add, scheduler, Clock.systemUTC());
  }

  private static void await(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no " + what + " within 20 s");
      }
      Thread.sleep(20);
    }
  }

  private static void writeP12(Path file, PrivateKey key, List<X509Certificate> chain)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, PASSWORD, chain.toArray(new Certificate[0]));
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD);
    }
  }

  /** What kill -9 is to the server: nothing after it runs. */
  private static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  /** Passes everything to another issuer, for tests that change one answer. */
  private static class Wrapped implements Issuer {
    private final Issuer inner;

    Wrapped(Issuer inner) {
      this.inner = inner;
    }

    @Override
    public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
        throws PortcullisException {
      return inner.renew(current, newKeys);
    }

    @Override
    public Optional<List<X509Certificate>> successor(KeyMaterial replaced)
        throws PortcullisException {
      return inner.successor(replaced);
    }

    @Override
    public List<TrustArea> trust() throws PortcullisException {
      return inner.trust();
    }

    @Override
    public String describe() {
      return inner.describe();
    }
  }
}
