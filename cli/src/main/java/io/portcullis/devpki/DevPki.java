package io.portcullis.devpki;

import io.portcullis.ca.AtomicFiles;
import io.portcullis.ca.Pem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for the demo and the end-to-end tests: a root, one area intermediate, a server
 * certificate for localhost and client certificates with SPIFFE IDs. Every key is new on every run;
 * nothing here is meant for production (the {@code portcullis ca} commands are).
 *
 * <p>Layout written under the output directory:
 *
 * <pre>
 *   root.pem                 the area's anchor (curl --cacert, the feature's trustArea)
 *   area-dev.pem, .key.pem   the area intermediate and its key (0600; tests issue more leaves)
 *   area-dev.crl             the area's CRL (empty), which the feature refreshes
 *   deny.txt                 the deny-list file the feature watches (empty)
 *   server.p12               localhost / 127.0.0.1 server key and chain (Liberty's keyStore)
 *   trust.p12                the root as a trusted entry (Liberty's trustStore)
 *   dev-pki.xml              Liberty include holding the generated keystore password (0600)
 *   clients/NAME.pem, .key.pem  client certificates and keys for curl
 * </pre>
 */
public final class DevPki {
  /** Lifetime of dev leaves: well under the 90-day default maximum the trust policy allows. */
  public static final Duration LEAF_LIFETIME = Duration.ofDays(30);

  private final Clock clock;
  private final SecureRandom random;

  public DevPki(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /**
   * Writes a fresh dev PKI to {@code dir}.
   *
   * @param trustDomain SPIFFE trust domain of the client identities
   * @param clients client name to SPIFFE path (e.g. {@code reader -> /orders/reader})
   * @return the generated keystore password (also written to {@code dev-pki.xml})
   */
  public String generate(Path dir, String trustDomain, Map<String, String> clients)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(dir.resolve("clients"));
    Instant now = clock.instant();
    Instant start = now.minus(Duration.ofMinutes(5));

    KeyPair rootKeys = ecKeys();
    X509Certificate root =
        sign(
            "CN=Portcullis Dev Root, O=Portcullis Dev",
            rootKeys,
            null,
            rootKeys.getPrivate(),
            start,
            now.plus(Duration.ofDays(3650)),
            ca(-1));
    KeyPair areaKeys = ecKeys();
    X509Certificate area =
        sign(
            "CN=Portcullis Dev Area dev, O=Portcullis Dev",
            areaKeys,
            root,
            rootKeys.getPrivate(),
            start,
            now.plus(Duration.ofDays(365)),
            ca(0));

    KeyPair serverKeys = ecKeys();
    X509Certificate server =
        sign(
            "CN=localhost, O=Portcullis Dev",
            serverKeys,
            area,
            areaKeys.getPrivate(),
            start,
            now.plus(LEAF_LIFETIME),
            leaf(
                KeyPurposeId.id_kp_serverAuth,
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")));

    String password = newPassword();
    AtomicFiles.writeString(dir.resolve("root.pem"), Pem.encode(root), false);
    AtomicFiles.writeString(dir.resolve("area-dev.pem"), Pem.encode(area), false);
    AtomicFiles.writeString(
        dir.resolve("area-dev.key.pem"), Pem.encode(areaKeys.getPrivate()), true);
    AtomicFiles.writeString(
        dir.resolve("area-dev.crl"), Pem.encode(emptyCrl(area, areaKeys.getPrivate(), now)), false);
    AtomicFiles.writeString(
        dir.resolve("deny.txt"),
        "# Certificates refused at once: serial:<hex> or sha256:<hex>, one per line.\n",
        false);
    writePkcs12(
        dir.resolve("server.p12"), "server", serverKeys.getPrivate(), password, server, area);
    writeTrustStore(dir.resolve("trust.p12"), password, root);
    AtomicFiles.writeString(
        dir.resolve("dev-pki.xml"),
        "<server description=\"Generated by portcullis dev-pki; dev only\">\n"
            + "  <variable name=\"portcullis.dev.keystore.password\" value=\""
            + password
            + "\"/>\n</server>\n",
        true);

    for (Map.Entry<String, String> client : clients.entrySet()) {
      Client issued =
          client(
              trustDomain,
              client.getKey(),
              client.getValue(),
              area,
              areaKeys.getPrivate(),
              start,
              now.plus(LEAF_LIFETIME));
      AtomicFiles.writeString(
          dir.resolve("clients/" + client.getKey() + ".pem"),
          Pem.encode(issued.certificate(), area),
          false);
      AtomicFiles.writeString(
          dir.resolve("clients/" + client.getKey() + ".key.pem"), Pem.encode(issued.key()), true);
    }
    return password;
  }

  /** A client certificate, its area's certificate (the rest of its chain) and its key. */
  public record Client(X509Certificate certificate, X509Certificate area, PrivateKey key) {}

  /**
   * Issues client certificates under the area {@link #generate} wrote to {@code dir}, in memory
   * only: for load tests that need thousands of distinct callers without thousands of files. Every
   * certificate has the subject {@code CN=name}; each has the SPIFFE ID of one of {@code paths}.
   */
  public List<Client> clients(Path dir, String trustDomain, String name, List<String> paths)
      throws IOException, GeneralSecurityException {
    X509Certificate area = Pem.certificates(Files.readString(dir.resolve("area-dev.pem"))).get(0);
    PrivateKey areaKey = Pem.privateKey(Files.readString(dir.resolve("area-dev.key.pem")));
    Instant now = clock.instant();
    List<Client> issued = new ArrayList<>();
    for (String path : paths) {
      issued.add(
          client(
              trustDomain,
              name,
              path,
              area,
              areaKey,
              now.minus(Duration.ofMinutes(5)),
              now.plus(LEAF_LIFETIME)));
    }
    return issued;
  }

  private Client client(
      String trustDomain,
      String name,
      String path,
      X509Certificate area,
      PrivateKey areaKey,
      Instant notBefore,
      Instant notAfter)
      throws GeneralSecurityException, IOException {
    KeyPair keys = ecKeys();
    X509Certificate cert =
        sign(
            "CN=" + name + ", O=Portcullis Dev",
            keys,
            area,
            areaKey,
            notBefore,
            notAfter,
            leaf(
                KeyPurposeId.id_kp_clientAuth,
                new GeneralName(
                    GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain + path)));
    return new Client(cert, area, keys.getPrivate());
  }

  /** The demo's callers: a reader, a writer and a caller no rule knows. */
  public static Map<String, String> demoClients() {
    Map<String, String> clients = new LinkedHashMap<>();
    clients.put("reader", "/orders/reader");
    clients.put("writer", "/orders/writer");
    clients.put("stranger", "/elsewhere/stranger");
    return clients;
  }

  private KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    return generator.generateKeyPair();
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private static Extensions ca(int pathLength) {
    return builder -> {
      builder.addExtension(
          Extension.basicConstraints,
          true,
          pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    };
  }

  private static Extensions leaf(KeyPurposeId purpose, GeneralName... names) {
    return builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    };
  }

  private X509Certificate sign(
      String subject,
      KeyPair subjectKeys,
      X509Certificate issuer,
      PrivateKey issuerKey,
      Instant notBefore,
      Instant notAfter,
      Extensions extensions)
      throws GeneralSecurityException, IOException {
    X500Name subjectName = X500Name.getInstance(new X500Principal(subject).getEncoded());
    X500Name issuerName =
        issuer == null
            ? subjectName
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuerName,
            new BigInteger(127, random).add(BigInteger.ONE),
            Date.from(notBefore),
            Date.from(notAfter),
            subjectName,
            subjectKeys.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    if (issuer != null) {
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
    }
    extensions.add(builder);
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign " + subject, e);
    }
  }

  /** The area's first CRL: nothing revoked yet, next update in a week. */
  private static X509CRL emptyCrl(X509Certificate issuer, PrivateKey key, Instant now)
      throws GeneralSecurityException, IOException {
    X509v2CRLBuilder builder =
        new X509v2CRLBuilder(
            X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(now));
    builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
    builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
    try {
      return new JcaX509CRLConverter()
          .getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the dev CRL", e);
    }
  }

  private String newPassword() {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writePkcs12(
      Path file, String alias, PrivateKey key, String password, X509Certificate... chain)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(alias, key, password.toCharArray(), chain);
    writeKeyStore(file, store, password, true);
  }

  private static void writeTrustStore(Path file, String password, X509Certificate... anchors)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    List<Certificate> all = new ArrayList<>(List.of(anchors));
    for (int i = 0; i < all.size(); i++) {
      store.setCertificateEntry("anchor-" + i, all.get(i));
    }
    writeKeyStore(file, store, password, false);
  }

  private static void writeKeyStore(Path file, KeyStore store, String password, boolean secret)
      throws IOException, GeneralSecurityException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, password.toCharArray());
    AtomicFiles.write(file, bytes.toByteArray(), secret);
  }
}
