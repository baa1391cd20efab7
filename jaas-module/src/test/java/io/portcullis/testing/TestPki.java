package io.portcullis.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A PKI built in code for tests: roots, area intermediates and leaves with any names, lifetimes and
 * extensions, including broken ones. Nothing is checked in and nothing expires in the repository.
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffffL);

  private TestPki() {}

  /** A new P-256 key pair. */
  public static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new RSA key pair of {@code bits}. */
  public static KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed root CA valid from an hour ago for ten years. */
  public static Ca root(String subject) {
    return root(subject, ecKeyPair(), b -> {});
  }

  /**
   * A self-signed root CA with {@code keys}, adjusted by {@code customizer} (name constraints,
   * signature algorithm, broken extensions) before it is signed.
   */
  public static Ca root(String subject, KeyPair keys, Consumer<CertBuilder> customizer) {
    Instant now = Instant.now();
    CertBuilder builder =
        new CertBuilder(subject, keys, subject, keys.getPrivate(), null)
            .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)))
            .ca(-1);
    customizer.accept(builder);
    return new Ca(builder.build(), keys, List.of());
  }

  /**
   * A CA made elsewhere (for example by {@code portcullis dev-pki}) whose key the test holds, so
   * tests can issue unusual leaves that the server's real trust anchors vouch for.
   */
  public static Ca existingCa(
      X509Certificate certificate, PrivateKey key, X509Certificate... above) {
    return new Ca(certificate, new KeyPair(certificate.getPublicKey(), key), List.of(above));
  }

  /**
   * Reads {@code der} with the JDK, or, where the JDK refuses it (a URI host with a trailing dot),
   * with Bouncy Castle's provider: what a caller could hand the trust core through an API, though
   * never through the JDK's TLS stack.
   */
  public static X509Certificate certificateOrLenient(byte[] der) {
    try {
      return (X509Certificate)
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (GeneralSecurityException jdkRefuses) {
      try {
        return new JcaX509CertificateConverter()
            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
            .getCertificate(new X509CertificateHolder(der));
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("neither the JDK nor Bouncy Castle reads it", e);
      }
    }
  }

  /** A certificate authority of the fixture: its certificate, key and chain up to the root. */
  public static final class Ca {
    private final X509Certificate certificate;
    private final KeyPair keys;
    private final List<X509Certificate> chainAbove;

    Ca(X509Certificate certificate, KeyPair keys, List<X509Certificate> chainAbove) {
      this.certificate = certificate;
      this.keys = keys;
      this.chainAbove = List.copyOf(chainAbove);
    }

    public X509Certificate certificate() {
      return certificate;
    }

    public KeyPair keys() {
      return keys;
    }

    /** A subordinate CA (path length 0) valid for five years. */
    public Ca intermediate(String subject) {
      return intermediate(subject, ecKeyPair(), b -> {});
    }

    /** A subordinate CA with {@code childKeys}, adjusted by {@code customizer} before signing. */
    public Ca intermediate(String subject, KeyPair childKeys, Consumer<CertBuilder> customizer) {
      Instant now = Instant.now();
      CertBuilder builder =
          issue(subject, childKeys)
              .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1825)))
              .ca(0);
      customizer.accept(builder);
      X509Certificate cert = builder.build();
      List<X509Certificate> above = new ArrayList<>();
      above.add(certificate);
      above.addAll(chainAbove);
      return new Ca(cert, childKeys, above);
    }

    /** Starts a certificate for {@code subject} with a new key, signed by this CA. */
    public CertBuilder issue(String subject) {
      return issue(subject, ecKeyPair());
    }

    /** Starts a certificate for {@code subject} and the given key, signed by this CA. */
    public CertBuilder issue(String subject, KeyPair subjectKeys) {
      return new CertBuilder(
          subject,
          subjectKeys,
          certificate.getSubjectX500Principal().getName(),
          keys.getPrivate(),
          this);
    }

    /** A client leaf valid for a day with clientAuth EKU and the given URI SAN. */
    public Leaf clientLeaf(String subject, String uriSan) {
      return issue(subject).uriSan(uriSan).clientAuth().issueLeaf();
    }

    /**
     * A CRL signed by this CA listing {@code revoked} serials, valid from {@code thisUpdate} to
     * {@code nextUpdate}.
     */
    public X509CRL crl(Instant thisUpdate, Instant nextUpdate, BigInteger... revoked) {
      return crl(thisUpdate, nextUpdate, false, revoked);
    }

    /**
     * A CRL whose CRL number is critical ({@code true}), not ({@code false}) or absent ({@code
     * null}).
     */
    public X509CRL crl(
        Instant thisUpdate, Instant nextUpdate, Boolean numberCritical, BigInteger... revoked) {
      try {
        X509v2CRLBuilder builder =
            new X509v2CRLBuilder(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (BigInteger serial : revoked) {
          builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
        }
        builder.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
        if (numberCritical != null) {
          builder.addExtension(
              Extension.cRLNumber,
              numberCritical,
              new CRLNumber(BigInteger.valueOf(SERIALS.incrementAndGet())));
        }
        String algorithm =
            keys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CRLConverter()
            .getCRL(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
      } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
        throw new IllegalStateException("cannot build test CRL", e);
      }
    }

    /** A CRL valid from an hour ago for a day. */
    public X509CRL crl(BigInteger... revoked) {
      Instant now = Instant.now();
      return crl(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), revoked);
    }

    /** The root this CA chains to (itself for a root). */
    X509Certificate rootCertificate() {
      return chainAbove.isEmpty() ? certificate : chainAbove.get(chainAbove.size() - 1);
    }

    /** This CA's certificate followed by the CAs above it, excluding the root. */
    List<X509Certificate> chainBelowRoot() {
      List<X509Certificate> chain = new ArrayList<>();
      if (!chainAbove.isEmpty()) {
        chain.add(certificate);
        chain.addAll(chainAbove.subList(0, chainAbove.size() - 1));
      }
      return chain;
    }
  }

  /** A leaf certificate with its key and the chain a TLS peer would send (leaf first). */
  public record Leaf(X509Certificate certificate, KeyPair keys, List<X509Certificate> chain) {
    public Leaf {
      chain = List.copyOf(chain);
    }

    public X509Certificate[] chainArray() {
      return chain.toArray(new X509Certificate[0]);
    }

    /** Writes {@code cert.pem} (leaf and intermediates) and {@code key.pem} (PKCS#8, 0600). */
    public void writePem(Path certFile, Path keyFile) {
      writeString(certFile, pem(chain.toArray()));
      writeString(keyFile, pem(keys.getPrivate()));
      restrict(keyFile);
    }

    /** Writes a PKCS#12 keystore with this key and chain under {@code alias}. */
    public void writePkcs12(Path file, String alias, char[] password) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, keys.getPrivate(), password, chain.toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(file)) {
          store.store(out, password);
        }
        restrict(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A PKCS#12 trust store holding {@code anchors} as trusted certificate entries. */
  public static void writeTrustStore(Path file, char[] password, X509Certificate... anchors) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.length; i++) {
        store.setCertificateEntry("anchor-" + i, anchors[i]);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificates of a PEM (or DER) file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(in)
          .stream()
          .map(X509Certificate.class::cast)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no certificates in " + file, e);
    }
  }

  /** The EC private key of a PKCS#8 PEM file ("PRIVATE KEY"), as {@link #pem} writes them. */
  public static PrivateKey readEcPrivateKey(Path file) {
    try {
      String base64 =
          Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return java.security.KeyFactory.getInstance("EC")
          .generatePrivate(
              new java.security.spec.PKCS8EncodedKeySpec(
                  java.util.Base64.getDecoder().decode(base64)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("no PKCS#8 EC key in " + file, e);
    }
  }

  /** PEM text of certificates, keys or CRLs. */
  public static String pem(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        // Keys as PKCS#8 ("PRIVATE KEY"), which carries the curve: OpenSSL and curl need it.
        if (object instanceof java.security.PrivateKey key) {
          writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  static void writeString(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: nothing to restrict in a test fixture.
    }
  }

  /** Builds one certificate; defaults: valid from an hour ago for a day, no extensions. */
  public static final class CertBuilder {
    private final String subject;
    private final KeyPair subjectKeys;
    private final String issuer;
    private final PrivateKey issuerKey;
    private final Ca issuerCa;
    private final List<GeneralName> sans = new ArrayList<>();
    private final List<KeyPurposeId> ekus = new ArrayList<>();
    private final List<Object[]> extraExtensions = new ArrayList<>();
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
    private Integer caPathLength;
    private boolean ca;
    private BigInteger serial;
    private Integer keyUsage;
    private boolean basicConstraints = true;
    private boolean basicConstraintsCritical = true;
    private boolean nameConstraintsCritical = true;
    private boolean sanCritical;
    private boolean ekuCritical;
    private GeneralSubtree[] permittedSubtrees;
    private GeneralSubtree[] excludedSubtrees;
    private boolean generalizedTime;
    private String signatureAlgorithm;
    private boolean lenient;
    private Boolean subjectKeyIdentifierCritical = false;
    private Boolean authorityKeyIdentifierCritical = false;

    CertBuilder(
        String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey, Ca issuerCa) {
      this.subject = Objects.requireNonNull(subject);
      this.subjectKeys = subjectKeys;
      this.issuer = issuer;
      this.issuerKey = issuerKey;
      this.issuerCa = issuerCa;
    }

    public CertBuilder validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    public CertBuilder uriSan(String uri) {
      sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      return this;
    }

    public CertBuilder dnsSan(String name) {
      sans.add(new GeneralName(GeneralName.dNSName, name));
      return this;
    }

    public CertBuilder ipSan(String address) {
      sans.add(new GeneralName(GeneralName.iPAddress, address));
      return this;
    }

    public CertBuilder clientAuth() {
      ekus.add(KeyPurposeId.id_kp_clientAuth);
      return this;
    }

    public CertBuilder serverAuth() {
      ekus.add(KeyPurposeId.id_kp_serverAuth);
      return this;
    }

    /** Makes this a CA certificate; {@code pathLength} below zero means unlimited. */
    /** Adds anyExtendedKeyUsage to the extended key usages. */
    public CertBuilder anyEku() {
      ekus.add(KeyPurposeId.anyExtendedKeyUsage);
      return this;
    }

    /** Drops the extended key usages added so far. */
    public CertBuilder withoutEku() {
      ekus.clear();
      return this;
    }

    public CertBuilder ekuCritical(boolean critical) {
      this.ekuCritical = critical;
      return this;
    }

    public CertBuilder ca(int pathLength) {
      this.ca = true;
      this.caPathLength = pathLength < 0 ? null : pathLength;
      return this;
    }

    /** Adds any extension, for tests of broken or unusual certificates. */
    public CertBuilder extension(String oid, boolean critical, ASN1Encodable value) {
      extraExtensions.add(new Object[] {oid, critical, value});
      return this;
    }

    /** Sets the serial number (for tests of zero, negative or oversized serials). */
    public CertBuilder serial(BigInteger value) {
      this.serial = value;
      return this;
    }

    /** Overrides the key usage bits (BC {@link KeyUsage} constants); 0 leaves it out. */
    public CertBuilder keyUsage(int bits) {
      this.keyUsage = bits;
      return this;
    }

    /** Encodes validity as GeneralizedTime even before 2050 (an RFC 5280 profile violation). */
    public CertBuilder generalizedTimeValidity() {
      this.generalizedTime = true;
      return this;
    }

    /** Leaves the basic constraints extension out. */
    public CertBuilder noBasicConstraints() {
      this.basicConstraints = false;
      return this;
    }

    /** Marks basic constraints critical or not. */
    public CertBuilder basicConstraintsCritical(boolean critical) {
      this.basicConstraintsCritical = critical;
      return this;
    }

    /** Marks name constraints critical (the default) or not. */
    public CertBuilder nameConstraintsCritical(boolean critical) {
      this.nameConstraintsCritical = critical;
      return this;
    }

    /** Marks the subject alternative names critical or not (the default). */
    public CertBuilder sanCritical(boolean critical) {
      this.sanCritical = critical;
      return this;
    }

    public CertBuilder emailSan(String address) {
      sans.add(new GeneralName(GeneralName.rfc822Name, address));
      return this;
    }

    /** Adds a critical name constraints extension permitting the given DNS subtrees. */
    public CertBuilder permittedDns(String... names) {
      return permitted(GeneralName.dNSName, names);
    }

    /** Adds a critical name constraints extension excluding the given DNS subtrees. */
    public CertBuilder excludedDns(String... names) {
      return excluded(GeneralName.dNSName, names);
    }

    /**
     * Adds permitted subtrees of one name type ({@link GeneralName} tag: dNSName, rfc822Name,
     * uniformResourceIdentifier) to a critical name constraints extension.
     */
    public CertBuilder permitted(int tag, String... names) {
      this.permittedSubtrees = append(permittedSubtrees, tag, names);
      return this;
    }

    /** Adds excluded subtrees of one name type to a critical name constraints extension. */
    public CertBuilder excluded(int tag, String... names) {
      this.excludedSubtrees = append(excludedSubtrees, tag, names);
      return this;
    }

    /** Adds a permitted IP subtree given as its raw octets (address then mask, or anything). */
    public CertBuilder permittedIp(byte[] octets) {
      this.permittedSubtrees = append(permittedSubtrees, ipName(octets));
      return this;
    }

    /** Adds an excluded IP subtree given as its raw octets. */
    public CertBuilder excludedIp(byte[] octets) {
      this.excludedSubtrees = append(excludedSubtrees, ipName(octets));
      return this;
    }

    /** Adds an IP address SAN given as its raw octets, of any length. */
    public CertBuilder rawIpSan(byte[] octets) {
      sans.add(ipName(octets));
      return this;
    }

    private static GeneralName ipName(byte[] octets) {
      return new GeneralName(GeneralName.iPAddress, new DEROctetString(octets));
    }

    private static GeneralSubtree[] append(GeneralSubtree[] existing, GeneralName name) {
      List<GeneralSubtree> subtrees = new ArrayList<>();
      if (existing != null) {
        subtrees.addAll(List.of(existing));
      }
      subtrees.add(new GeneralSubtree(name));
      return subtrees.toArray(new GeneralSubtree[0]);
    }

    private static GeneralSubtree[] append(GeneralSubtree[] existing, int tag, String... names) {
      List<GeneralSubtree> subtrees = new ArrayList<>();
      if (existing != null) {
        subtrees.addAll(List.of(existing));
      }
      for (String name : names) {
        subtrees.add(new GeneralSubtree(new GeneralName(tag, name)));
      }
      return subtrees.toArray(new GeneralSubtree[0]);
    }

    public CertBuilder signatureAlgorithm(String algorithm) {
      this.signatureAlgorithm = algorithm;
      return this;
    }

    /**
     * Lets {@link #build} fall back to Bouncy Castle's provider when the JDK refuses the
     * certificate (see {@link TestPki#certificateOrLenient}), for tests of names and constraints
     * the JDK cannot read.
     */
    /** The subject key identifier: absent ({@code null}), non-critical (default) or critical. */
    public CertBuilder subjectKeyIdentifier(Boolean critical) {
      this.subjectKeyIdentifierCritical = critical;
      return this;
    }

    /** The authority key identifier: absent ({@code null}), non-critical (default) or critical. */
    public CertBuilder authorityKeyIdentifier(Boolean critical) {
      this.authorityKeyIdentifierCritical = critical;
      return this;
    }

    public CertBuilder lenient() {
      this.lenient = true;
      return this;
    }

    public X509Certificate build() {
      try {
        if (lenient) {
          return certificateOrLenient(holder().getEncoded());
        }
        return new JcaX509CertificateConverter().getCertificate(holder());
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode test certificate " + subject, e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot build test certificate " + subject, e);
      }
    }

    /** The certificate's DER encoding, whether or not the JDK can parse it. */
    public byte[] encoded() {
      try {
        return holder().getEncoded();
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode test certificate " + subject, e);
      }
    }

    private X509CertificateHolder holder() {
      try {
        X509v3CertificateBuilder builder =
            new X509v3CertificateBuilder(
                x500(issuer),
                serial != null
                    ? serial
                    : BigInteger.valueOf(SERIALS.incrementAndGet())
                        .shiftLeft(32)
                        .add(BigInteger.valueOf(RANDOM.nextInt() & 0x7fffffff)),
                time(notBefore),
                time(notAfter),
                x500(subject),
                SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        if (subjectKeyIdentifierCritical != null) {
          builder.addExtension(
              Extension.subjectKeyIdentifier,
              subjectKeyIdentifierCritical,
              utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        }
        if (issuerCa != null && authorityKeyIdentifierCritical != null) {
          builder.addExtension(
              Extension.authorityKeyIdentifier,
              authorityKeyIdentifierCritical,
              utils.createAuthorityKeyIdentifier(issuerCa.certificate()));
        }
        if (basicConstraints) {
          builder.addExtension(
              Extension.basicConstraints,
              basicConstraintsCritical,
              !ca
                  ? new BasicConstraints(false)
                  : caPathLength == null
                      ? new BasicConstraints(true)
                      : new BasicConstraints(caPathLength));
        }
        int usage =
            keyUsage != null
                ? keyUsage
                : ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature;
        if (usage != 0) {
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        }
        if (permittedSubtrees != null || excludedSubtrees != null) {
          builder.addExtension(
              Extension.nameConstraints,
              nameConstraintsCritical,
              new NameConstraints(permittedSubtrees, excludedSubtrees));
        }
        if (!sans.isEmpty()) {
          builder.addExtension(
              Extension.subjectAlternativeName,
              sanCritical,
              new GeneralNames(sans.toArray(new GeneralName[0])));
        }
        if (!ekus.isEmpty()) {
          builder.addExtension(
              Extension.extendedKeyUsage,
              ekuCritical,
              new ExtendedKeyUsage(ekus.toArray(new KeyPurposeId[0])));
        }
        for (Object[] extension : extraExtensions) {
          builder.addExtension(
              new ASN1ObjectIdentifier((String) extension[0]),
              (Boolean) extension[1],
              (ASN1Encodable) extension[2]);
        }
        return builder.build(
            new JcaContentSignerBuilder(
                    signatureAlgorithm != null
                        ? signatureAlgorithm
                        : issuerKey.getAlgorithm().equals("RSA")
                            ? "SHA256withRSA"
                            : "SHA256withECDSA")
                .build(issuerKey));
      } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
        throw new IllegalStateException("cannot build test certificate " + subject, e);
      }
    }

    private Time time(Instant instant) {
      return generalizedTime
          ? new Time(new DERGeneralizedTime(Date.from(instant)))
          : new Time(Date.from(instant));
    }

    /** X.500 name in the JDK's (RFC 2253) reading order, so fixtures and the JDK agree. */
    private static X500Name x500(String name) {
      return X500Name.getInstance(new javax.security.auth.x500.X500Principal(name).getEncoded());
    }

    /** Builds the certificate and returns it as a leaf with its key and TLS chain. */
    public Leaf issueLeaf() {
      X509Certificate cert = build();
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(cert);
      if (issuerCa != null) {
        chain.addAll(issuerCa.chainBelowRoot());
      }
      return new Leaf(cert, subjectKeys, chain);
    }
  }
}
