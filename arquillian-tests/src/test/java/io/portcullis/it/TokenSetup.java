package io.portcullis.it;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Puts the end-to-end server's TLS identity into a real SoftHSM2 token before the server starts,
 * the way an operator would: key generated inside the token (non-extractable), CSR from the token
 * key, certificate from the dev area CA stored back beside the key. Liberty then reads it through
 * the feature: {@code <usr_portcullis><keySource>} and a {@code <keyStore
 * type="PortcullisKeySource">} (portcullis-it-token.xml); the PIN goes to server.env.
 *
 * <p>Run by the build in a forked JVM whose environment holds {@code SOFTHSM2_CONF} (a JVM cannot
 * set its own environment, and the PKCS#11 library reads it once).
 */
public final class TokenSetup {
  static final String LABEL = "portcullis-it";
  static final String ALIAS = "server";
  static final String OUTBOUND_ID = "spiffe://demo.portcullis.dev/sample/outbound";

  /** A second token whose PIN {@code TokenPinChangeIT} changes; its PIN goes to server.env too. */
  static final String PIN_CHANGE_LABEL = "portcullis-it-pin";

  private TokenSetup() {}

  public static void main(String[] args) throws Exception {
    Path serverDir = Path.of(args[0]);
    Path tokenDir = serverDir.resolve("resources/token");
    SoftHsm hsm = SoftHsm.start(tokenDir.resolve("softhsm2.conf"));
    TestPki.Ca area = ItServer.devArea(serverDir.resolve("resources/security"));
    // Both tokens first: the PKCS#11 library lists its slots once per process, at its first use.
    initToken(hsm, LABEL);
    initToken(hsm, PIN_CHANGE_LABEL);
    X509Certificate certificate = token(hsm, LABEL, area, true);
    Files.writeString(tokenDir.resolve("server.pem"), TestPki.pem(certificate));
    token(hsm, PIN_CHANGE_LABEL, area, false);
    String pin = PINS.get(LABEL);
    String pinChangePin = PINS.get(PIN_CHANGE_LABEL);

    Path env = serverDir.resolve("server.env");
    append(env, "SOFTHSM2_CONF=" + hsm.configFile());
    append(env, "PORTCULLIS_IT_TOKEN_PIN=" + pin);
    append(env, "PORTCULLIS_IT_PINCHANGE_PIN=" + pinChangePin);
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    System.out.println("Token " + LABEL + " holds the server key; certificate in " + tokenDir);
  }

  private static final Map<String, String> PINS = new java.util.HashMap<>();

  /** Makes token {@code label} with a random PIN. */
  private static void initToken(SoftHsm hsm, String label) throws Exception {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    String pin = HexFormat.of().formatHex(random);
    hsm.initToken(label, pin);
    PINS.put(label, pin);
  }

  /**
   * On the fresh token {@code label}: its P-256 key {@link #ALIAS} generated inside, and a
   * certificate from {@code area} for localhost stored beside it.
   */
  private static X509Certificate token(SoftHsm hsm, String label, TestPki.Ca area, boolean outbound)
      throws Exception {
    String pin = PINS.get(label);
    Map<String, String> source = hsm.keySource(label, pin, ALIAS);
    TokenKeys token = TokenKeys.open(KeySourceConfig.fromMap(source));
    token.generate(ALIAS, KeyType.P256);
    Csr csr =
        token.csr(
            ALIAS,
            "CN=localhost, O=Portcullis Dev",
            List.of("localhost"),
            outbound ? List.of(OUTBOUND_ID) : List.of());

    // The dev area signs: serverAuth for the HTTPS port, clientAuth for the outbound calls.
    Instant now = Instant.now();
    TestPki.CertBuilder builder =
        area.issue(
                "CN=localhost, O=Portcullis Dev",
                new KeyPair(new JcaPKCS10CertificationRequest(csr.request()).getPublicKey(), null))
            .dnsSan("localhost")
            .ipSan("127.0.0.1");
    if (outbound) {
      builder = builder.uriSan(OUTBOUND_ID);
    }
    X509Certificate certificate =
        builder
            .serverAuth()
            .clientAuth()
            .validity(now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)))
            .build();
    token.storeCertificate(ALIAS, List.of(certificate, area.certificate()));
    return certificate;
  }

  private static void append(Path file, String line) throws IOException {
    Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
