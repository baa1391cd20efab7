package io.portcullis.bench;

import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.auth.DecisionCounts;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.DenyList;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustDecision;
import io.portcullis.trust.ValidationStats;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorResult;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The trust core's costs: identity and role evaluation on an already-validated chain, and uncached
 * validation of a P-256 root, intermediate, leaf chain side by side with the raw JDK {@link
 * CertPathValidator} on the same chain. Run: {@code java -jar bench/target/benchmarks.jar
 * TrustBenchmark -f 1 -wi 3 -i 5 -bm sample -tu us}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TrustBenchmark {
  /** Distinct leaves for the first-sight benchmarks: well over the JDK's 750-entry cache. */
  static final int FRESH_LEAVES = 2048;

  private X509Certificate root;
  private X509Certificate[] chainArray;
  private List<X509Certificate> chain;
  private CertificateAuthenticator cached;
  private CertificateAuthenticator cachedCounted;
  private final ValidationStats stats = new ValidationStats();
  private PkixTrustValidator uncached;
  private PkixTrustValidator uncachedEightAreas;
  private PkixTrustValidator firstSight;
  private Set<TrustAnchor> anchors;
  private X509Certificate areaCert;
  private byte[][] freshLeaves;
  private int nextLeaf;

  @Setup
  public void setUp() throws Exception {
    KeyPair rootKeys = keys();
    KeyPair areaKeys = keys();
    KeyPair leafKeys = keys();
    root = cert("CN=Root", rootKeys, "CN=Root", rootKeys, true, null);
    X509Certificate area = cert("CN=Area", areaKeys, "CN=Root", rootKeys, true, null);
    X509Certificate leaf =
        cert("CN=orders", leafKeys, "CN=Area", areaKeys, false, "spiffe://corp/payments/orders");
    chainArray = new X509Certificate[] {leaf, area};
    chain = List.of(chainArray);
    List<TrustArea> areas = List.of(new TrustArea("payments", List.of(root), List.of()));
    RoleRules rules =
        new RoleRules(
            List.of(
                RoleRule.grant(
                    "payments",
                    Attribute.URI_SAN,
                    RoleRule.Match.GLOB,
                    "spiffe://corp/payments/*",
                    List.of("reader")),
                RoleRule.grant(
                    "ops", Attribute.DN_OU, RoleRule.Match.EXACT, "ops", List.of("admin")),
                RoleRule.deny(
                    "legacy", Attribute.URI_SAN, RoleRule.Match.REGEX, "spiffe://corp/legacy/.*")));
    cached =
        new CertificateAuthenticator(
            new PkixTrustValidator(areas, Clock.systemUTC(), DenyList.empty(), 1000), rules, false);
    if (!(cached.authenticate(chainArray) instanceof Authentication.Authenticated)) {
      throw new IllegalStateException("benchmark chain is not accepted");
    }
    cachedCounted =
        new CertificateAuthenticator(
            new PkixTrustValidator(
                areas,
                Clock.systemUTC(),
                DenyList.empty(),
                1000,
                PkixTrustValidator.DEFAULT_MEMO_SIZE,
                stats),
            rules,
            false,
            stats);
    if (!(cachedCounted.authenticate(chainArray) instanceof Authentication.Authenticated)) {
      throw new IllegalStateException("benchmark chain is not accepted");
    }
    uncached = new PkixTrustValidator(areas, Clock.systemUTC(), DenyList.empty(), 0);
    if (!uncached.validate(chain, Purpose.CLIENT).accepted()) {
      throw new IllegalStateException("benchmark chain is not accepted");
    }
    // Eight areas under the one root, each with its own intermediate, the caller's area first:
    // every area is asked about every chain (the order of the areas decides nothing), so the
    // seven others are asked after the first accepted.
    List<TrustArea> eight = new ArrayList<>();
    eight.add(new TrustArea("payments", List.of(root), List.of(area)));
    for (int i = 1; i < 8; i++) {
      KeyPair otherKeys = keys();
      eight.add(
          new TrustArea(
              "area" + i,
              List.of(root),
              List.of(cert("CN=Area " + i, otherKeys, "CN=Root", rootKeys, true, null))));
    }
    uncachedEightAreas = new PkixTrustValidator(eight, Clock.systemUTC(), DenyList.empty(), 0);
    if (!uncachedEightAreas.validate(chain, Purpose.CLIENT).accepted()) {
      throw new IllegalStateException("benchmark chain is not accepted among eight areas");
    }
    firstSight = new PkixTrustValidator(areas, Clock.systemUTC(), DenyList.empty(), 0, 0);
    anchors = Set.of(new TrustAnchor(root, null));
    areaCert = area;
    freshLeaves = new byte[FRESH_LEAVES][];
    for (int i = 0; i < FRESH_LEAVES; i++) {
      freshLeaves[i] =
          cert("CN=orders-" + i, leafKeys, "CN=Area", areaKeys, false, "spiffe://corp/payments/o")
              .getEncoded();
    }
    if (!firstSight.validate(parse(), Purpose.CLIENT).accepted()) {
      throw new IllegalStateException("fresh leaves are not accepted");
    }
  }

  /** Identity and role evaluation for a chain the validator has already accepted. */
  @Benchmark
  public Authentication identityAndRolesOnCachedChain() {
    return cached.authenticate(chainArray);
  }

  private final DecisionCounts counts = new DecisionCounts();

  /**
   * The same with everything counted for the metrics, as the feature's interceptor does: a
   * validator and authenticator that count into {@link ValidationStats}, and the decision counted.
   * The metrics' cost on the hot path is this benchmark against the one above.
   */
  @Benchmark
  public Authentication identityAndRolesOnCachedChainCounted() {
    Authentication result = cachedCounted.authenticate(chainArray);
    counts.count(result);
    return result;
  }

  /** Portcullis validation without the chain cache: PKIX plus profile and policy checks. */
  @Benchmark
  public TrustDecision uncachedValidation() {
    return uncached.validate(chain, Purpose.CLIENT);
  }

  /**
   * {@link #uncachedValidation} among eight areas under one root, the caller's first: what asking
   * every area costs (baseline: {@link #uncachedValidation}, one area).
   */
  @Benchmark
  public TrustDecision uncachedValidationEightAreas() {
    return uncachedEightAreas.validate(chain, Purpose.CLIENT);
  }

  /** The baseline: the JDK's PKIX CertPathValidator alone on the same chain. */
  @Benchmark
  public CertPathValidatorResult rawJdkCertPathValidator() throws Exception {
    return jdkValidate(chain);
  }

  /**
   * A caller never seen before, as on its first handshake: a leaf parsed from one of {@value
   * #FRESH_LEAVES} distinct certificates taken in turn (more than the JDK's certificate-factory
   * cache holds, so the JDK verifies the leaf's signature again) under the known intermediate, and
   * Portcullis with neither its chain cache nor its per-certificate memo.
   */
  @Benchmark
  public TrustDecision firstSightValidation() throws Exception {
    return firstSight.validate(parse(), Purpose.CLIENT);
  }

  /** The baseline for {@link #firstSightValidation}: the JDK alone on the same fresh leaves. */
  @Benchmark
  public CertPathValidatorResult firstSightRawJdk() throws Exception {
    return jdkValidate(parse());
  }

  private CertPathValidatorResult jdkValidate(List<X509Certificate> certificates) throws Exception {
    PKIXParameters params = new PKIXParameters(anchors);
    params.setRevocationEnabled(false);
    CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(certificates);
    return CertPathValidator.getInstance("PKIX").validate(path, params);
  }

  private List<X509Certificate> parse() throws Exception {
    byte[] der = freshLeaves[nextLeaf];
    nextLeaf = (nextLeaf + 1) % FRESH_LEAVES;
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    return List.of(
        (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)), areaCert);
  }

  /**
   * Every fork makes the same keys and certificates, byte for byte, so forks differ only in what
   * the JIT and the heap do: with random keys the forks of one benchmark spread by ±15%, more than
   * the effects measured (the cost of the metrics' counts, for one).
   */
  private static final SecureRandom RANDOM = seededRandom();

  /** Midnight today: the same in every fork of a run (unless it crosses midnight). */
  private static final Instant ISSUED =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);

  private static long serial = 1000;

  private static SecureRandom seededRandom() {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(20261207L);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate cert(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      KeyPair issuerKeys,
      boolean ca,
      String uri)
      throws Exception {
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name(issuer),
            BigInteger.valueOf(serial++),
            Date.from(ISSUED),
            Date.from(ISSUED.plus(Duration.ofDays(ca ? 365 : 2))),
            new X500Name(subject),
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    // RFC 5280 4.2.1.1/4.2.1.2: the trust core refuses a path without key identifiers.
    JcaX509ExtensionUtils identifiers = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        identifiers.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        identifiers.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    builder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (uri != null) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA")
                    .setSecureRandom(RANDOM)
                    .build(issuerKeys.getPrivate())));
  }
}
