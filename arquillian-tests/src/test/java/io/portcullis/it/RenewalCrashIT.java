package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.LineageEntry;
import io.portcullis.keys.Generations;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.TokenKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a real Liberty server while its agent renews: a PKCS#12 key source and a SoftHSM2 key
 * source renew back to back (renewAt 0.05 of a 60 s certificate the CA back-dates: each new
 * certificate is due at once, so the agent renews every {@code retryDelay}), and the server is
 * killed at a random moment, five times. After each kill both credentials load as the server would
 * load them; after the restart the server serves both, the agent renews again, and what a cut-short
 * renewal left (a temporary file, a token key with only its placeholder certificate) is gone. The
 * CA, written to by every renewal, still answers the lineage of the last certificate back to the
 * first.
 */
class RenewalCrashIT {
  private static final int HTTP_PORT = 19084;
  private static final int HTTPS_PORT = 19448;
  private static final int TOKEN_HTTP_PORT = 19085;
  private static final int TOKEN_HTTPS_PORT = 19449;
  private static final String PASSWORD = "renewal-crash-p12";
  // a name of its own per run: a token a previous run used may still hold that run's keys
  private static final String TOKEN_BASE = "crashing-" + Long.toHexString(System.nanoTime());
  private static final int KILLS = 5;

  private static RenewalPki pki;
  private static Path p12;
  private static final Map<String, IssuedCertificate> first = new HashMap<>();
  private static SecondServer server;
  private static SSLContext clientTls;

  @BeforeAll
  static void serverRenewingBackToBack() throws Exception {
    pki = RenewalPki.create("crash.it.example");
    p12 = pki.work.resolve("keys/server.p12");
    first.put("server", pki.issueToPkcs12("server", p12, PASSWORD, Duration.ofSeconds(60)));
    first.put("token", pki.issueToToken("token", TOKEN_BASE, Duration.ofSeconds(60)));
    clientTls = pki.tls(null);
    String renewal =
        "renew=\"ca\" caDirectory=\"%s\" lifetime=\"60s\" renewAt=\"0.05\" renewJitter=\"0\""
                .formatted(pki.caDir)
            + " retryDelay=\"300ms\" retryMaxDelay=\"2s\" retireAfter=\"1s\"";
    Map<String, String> environment = new HashMap<>(pki.tokenEnvironment());
    environment.put("RENEWAL_CRASH_P12", PASSWORD);
    server =
        SecondServer.create(
            "portcullis-it-renewal-crash",
            """
            <server>
              <featureManager>
                <feature>transportSecurity-1.0</feature>
                <feature>appSecurity-5.0</feature>
                <feature>usr:portcullis-1.0</feature>
              </featureManager>
              <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d"
                            httpsPort="%d"/>
              <httpEndpoint id="tokenEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="%d">
                <sslOptions sslRef="tokenSSLConfig"/>
              </httpEndpoint>
              <usr_portcullis>
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="RENEWAL_CRASH_P12"
                           %s/>
                <keySource name="token" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                           tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_TOKEN_PIN" %s/>
              </usr_portcullis>
              <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                        location="${server.output.dir}/portcullis/key-sources" password="unused"
                        updateTrigger="mbean"/>
              <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="server"/>
              <ssl id="tokenSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="token"/>
            </server>
            """
                .formatted(
                    HTTP_PORT,
                    HTTPS_PORT,
                    TOKEN_HTTP_PORT,
                    TOKEN_HTTPS_PORT,
                    p12,
                    renewal,
                    TokenSetup.LABEL,
                    TOKEN_BASE,
                    renewal),
            environment);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void killedWhileRenewingTheServerRestartsWithCredentialsThatLoadAndResumes() throws Exception {
    Set<Path> leftFiles = new HashSet<>();
    Set<PublicKey> leftKeys = new HashSet<>();
    List<String> evidence = new ArrayList<>();
    for (int kill = 1; kill <= KILLS; kill++) {
      startAndAwaitRenewals(2);
      Thread.sleep(ThreadLocalRandom.current().nextLong(700));
      server.kill();

      // What the kill cut short, if anything: a temporary key store, a token key without its
      // certificate. Either way both credentials load as the server loads them.
      List<Path> temps = temporaryFiles();
      List<PublicKey> placeholders = placeholderKeys();
      leftFiles.addAll(temps);
      leftKeys.addAll(placeholders);
      evidence.add(
          "kill "
              + kill
              + ": "
              + temps.size()
              + " temporary key store(s), "
              + (Files.exists(p12.resolveSibling("server.p12.next")) ? "a" : "no")
              + " pending PKCS#12 key, "
              + placeholders.size()
              + " token key(s) without a certificate, "
              + Generations.of(TOKEN_BASE, token().aliases()).size()
              + " token generation(s)");
      assertLoadsAndValidates(serverConfig(), true);
      assertLoadsAndValidates(pki.tokenConfig(TOKEN_BASE), false);
    }
    evidence.forEach(System.out::println);

    startAndAwaitRenewals(1);
    for (int port : new int[] {HTTPS_PORT, TOKEN_HTTPS_PORT}) {
      assertThat(RenewalPki.requestOnANewConnection(clientTls, port).getNotAfter())
          .as("the certificate port %d serves after the restart", port)
          .isAfter(new java.util.Date());
    }
    assertThat(leftFiles)
        .as("temporary files the kills left, after the restart")
        .allMatch(file -> !Files.exists(file));
    // A key a kill left without its certificate is gone, or holds the certificate the CA had
    // issued for it (the interrupted renewal finished): never still a placeholder.
    List<PublicKey> stillPlaceholders = placeholderKeys();
    assertThat(leftKeys)
        .as("token keys the kills left without a certificate, after the restart")
        .noneMatch(stillPlaceholders::contains);
    server.close();

    // The CA survived every kill in the middle of its writes: the lineage of each key source's
    // last certificate leads back to the first.
    for (String name : List.of("server", "token")) {
      KeySourceConfig config = name.equals("server") ? serverConfig() : pki.tokenConfig(TOKEN_BASE);
      X509Certificate last = KeySource.of(config).load().certificate();
      List<LineageEntry> lineage = pki.reopened().lineage(last).certificates();
      assertThat(lineage.get(0).sha256())
          .as("lineage of %s", name)
          .isEqualTo(first.get(name).sha256());
      assertThat(lineage).as("renewals of %s", name).hasSizeGreaterThan(2 * KILLS);
      System.out.println(name + ": " + lineage.size() + " certificates in the lineage");
    }
    // A renewal the kill cut short after the CA issued is finished at the next start (PRTC0549I);
    // without that, the CA (which renews only the latest certificate) would refuse every renewal.
    assertThat(server.logsContain("PRTC0425E")).as("a renewal refused as not the latest").isFalse();
    System.out.println(
        "interrupted renewals finished after a restart: "
            + (server.logsContain("PRTC0549I") ? "yes" : "none in these runs"));
    System.out.println(
        "renewals never delivered and made again from the certificate before them: "
            + (Files.readString(pki.caDir.resolve("audit.jsonl")).contains("never delivered")
                ? "yes"
                : "none in these runs"));
    assertThat(server.logsContain(PASSWORD)).as("the key store password in a log").isFalse();
    assertThat(server.logsContain(pki.tokenPin())).as("the token PIN in a log").isFalse();
  }

  /** Starts the server and waits until each key source has renewed {@code count} times. */
  private static void startAndAwaitRenewals(int count) throws Exception {
    server.start();
    Instant deadline = Instant.now().plusSeconds(90);
    for (String name : List.of("server", "token")) {
      while (server.log().stream()
              .filter(line -> line.contains("PRTC0540I: Key source " + name + " "))
              .count()
          < count) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(name + " did not renew " + count + " times after a start");
        }
        Thread.sleep(100);
      }
    }
  }

  private static KeySourceConfig serverConfig() throws Exception {
    return KeySourceConfig.fromMap(
        Map.of("type", "pkcs12", "file", p12.toString(), "password", PASSWORD));
  }

  private static TokenKeys token() throws Exception {
    return TokenKeys.open(pki.tokenConfig(TOKEN_BASE));
  }

  private static List<Path> temporaryFiles() throws Exception {
    try (var files = Files.list(p12.getParent())) {
      return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private static List<PublicKey> placeholderKeys() throws Exception {
    List<PublicKey> keys = new ArrayList<>();
    TokenKeys token = token();
    for (String alias : Generations.of(TOKEN_BASE, token.aliases())) {
      X509Certificate certificate;
      try {
        certificate = token.material(alias).certificate();
      } catch (io.portcullis.messages.PortcullisException e) {
        continue; // a running server's agent deleted it since the listing (PRTC0507E)
      }
      if (Generations.isPlaceholder(certificate)) {
        keys.add(certificate.getPublicKey());
      }
    }
    return keys;
  }

  /**
   * The key source loads, its chain validates to the CA's root now, and (for a software key, which
   * this process can use) its private key signs what its certificate verifies.
   */
  private static void assertLoadsAndValidates(KeySourceConfig config, boolean software)
      throws Exception {
    KeyMaterial material = KeySource.of(config).load();
    PKIXParameters parameters =
        new PKIXParameters(Set.of(new TrustAnchor(pki.ca.rootCertificate(), null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(material.chain()), parameters);
    if (software) {
      byte[] nonce = new byte[32];
      ThreadLocalRandom.current().nextBytes(nonce);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(material.privateKey());
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(material.certificate());
      verifier.update(nonce);
      assertThat(verifier.verify(signature))
          .as("the key store's key matches its certificate")
          .isTrue();
    }
  }
}
