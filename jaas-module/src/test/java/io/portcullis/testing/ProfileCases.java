package io.portcullis.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyConstraints;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;

/**
 * The RFC 5280 certificate profile and the universal key and algorithm floors, clause by clause,
 * shared by the trust core's test and the {@code verify --batch} test. Each case is a root (the
 * trust anchor), its intermediates and a client leaf with one thing wrong, validated with the
 * standards only (no deployment policy), and the message ID expected (empty: accepted).
 */
public final class ProfileCases {
  public static final String ACCEPT = "";
  public static final String ANCHOR_PROFILE = "PRTC0146E";
  public static final String ANCHOR_NOT_VALID = "PRTC0147E";
  public static final String KEY_IDENTIFIER = "PRTC0148E";
  public static final String RSA_MODULUS = "PRTC0149E";
  public static final String EXTENSION_PROFILE = "PRTC0150E";
  public static final String CA_PROFILE = "PRTC0121E";
  public static final String CA_EKU = "PRTC0151E";
  public static final String NAME_CONSTRAINT_WORK = "PRTC0153E";
  public static final String WILDCARD_EXCLUDED = "PRTC0154E";
  public static final String DNS_SYNTAX = "PRTC0138E";
  public static final String IP_SYNTAX = "PRTC0155E";
  public static final String NAME_CONSTRAINT = "PRTC0117E";
  public static final String EKU_NOT_ALLOWED = "PRTC0106E";
  public static final String UNKNOWN_CRITICAL = "PRTC0116E";
  public static final String PATH_TOO_DEEP = "PRTC0109E";
  public static final String KEY_TOO_SMALL = "PRTC0113E";
  public static final String KEY_TYPE = "PRTC0114E";
  public static final String SIGNATURE_ALGORITHM = "PRTC0115E";
  public static final String LEAF_SIGNS_CERTIFICATES = "PRTC0159E";

  private static final String SPIFFE_ID = "spiffe://conformance.example/workload";
  private static final String UNKNOWN_OID = "1.3.6.1.4.1.55555.1";

  private ProfileCases() {}

  /**
   * One case: the certificates, the most intermediates allowed ({@code null}: the standards'
   * default), and the expected ID.
   */
  public record Case(
      String name,
      String clause,
      String id,
      X509Certificate anchor,
      List<X509Certificate> intermediates,
      X509Certificate leaf,
      Integer maxChainDepth) {
    @Override
    public String toString() {
      return name + " (RFC 5280 " + clause + ") -> " + (id.isEmpty() ? "ACCEPT" : id);
    }
  }

  public static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    TestPki.Ca root = TestPki.root("CN=Conformance Root");
    TestPki.Ca area = root.intermediate("CN=Conformance Area");
    cases.add(leafCase("a well-formed path", "6.1", ACCEPT, area, b -> {}));

    // The trust anchor is a CA certificate like any other: held to the same profile.
    Instant past = Instant.now().minus(Duration.ofDays(30));
    cases.add(
        anchorCase(
            "an expired trust anchor",
            "4.1.2.5",
            ANCHOR_NOT_VALID,
            b -> b.validity(past, past.plus(Duration.ofDays(1)))));
    cases.add(
        anchorCase(
            "a trust anchor without basicConstraints",
            "4.2.1.9",
            ANCHOR_PROFILE,
            TestPki.CertBuilder::noBasicConstraints));
    cases.add(
        anchorCase(
            "a trust anchor whose basicConstraints is not critical",
            "4.2.1.9",
            ANCHOR_PROFILE,
            b -> b.basicConstraintsCritical(false)));
    cases.add(
        anchorCase(
            "a trust anchor with an unknown critical extension",
            "4.2",
            UNKNOWN_CRITICAL,
            b -> b.extension(UNKNOWN_OID, true, DERNull.INSTANCE)));
    cases.add(
        anchorCase(
            "a trust anchor whose keyUsage lacks keyCertSign",
            "4.2.1.3",
            ANCHOR_PROFILE,
            b -> b.keyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign)));
    cases.add(
        anchorCase(
            "a trust anchor without a subject key identifier",
            "4.2.1.2",
            KEY_IDENTIFIER,
            b -> b.subjectKeyIdentifier(null)));

    // Key identifiers on the path.
    cases.add(
        intermediateCase(
            "an intermediate without a subject key identifier",
            "4.2.1.2",
            KEY_IDENTIFIER,
            root,
            b -> b.subjectKeyIdentifier(null)));
    cases.add(
        intermediateCase(
            "an intermediate without an authority key identifier (the issuer's duty)",
            "4.2.1.1",
            ACCEPT,
            root,
            b -> b.authorityKeyIdentifier(null)));
    cases.add(
        leafCase(
            "a leaf without an authority key identifier (the issuer's duty)",
            "4.2.1.1",
            ACCEPT,
            area,
            b -> b.authorityKeyIdentifier(null)));
    cases.add(
        leafCase(
            "a leaf with a critical authority key identifier",
            "4.2.1.1",
            KEY_IDENTIFIER,
            area,
            b -> b.authorityKeyIdentifier(true)));
    cases.add(
        leafCase(
            "a leaf with a critical subject key identifier",
            "4.2.1.2",
            KEY_IDENTIFIER,
            area,
            b -> b.subjectKeyIdentifier(true)));
    cases.add(
        leafCase(
            "a leaf without a subject key identifier (SHOULD, not MUST)",
            "4.2.1.2",
            ACCEPT,
            area,
            b -> b.subjectKeyIdentifier(null)));

    // Where an extension may stand and how it is marked.
    cases.add(
        leafCase(
            "a leaf carrying name constraints",
            "4.2.1.10",
            EXTENSION_PROFILE,
            area,
            b -> b.permittedDns("conformance.example")));
    cases.add(
        intermediateCase(
            "an intermediate with non-critical name constraints",
            "4.2.1.10",
            EXTENSION_PROFILE,
            root,
            b -> b.permittedDns("conformance.example").nameConstraintsCritical(false)));
    cases.add(
        intermediateCase(
            "an intermediate with critical name constraints",
            "4.2.1.10",
            ACCEPT,
            root,
            b -> b.permitted(GeneralName.uniformResourceIdentifier, "conformance.example")));
    cases.add(
        intermediateCase(
            "an intermediate with non-critical policy constraints",
            "4.2.1.11",
            EXTENSION_PROFILE,
            root,
            b ->
                b.extension(
                    Extension.policyConstraints.getId(),
                    false,
                    new PolicyConstraints(null, BigInteger.ONE))));
    cases.add(
        intermediateCase(
            "an intermediate with critical policy constraints",
            "4.2.1.11",
            ACCEPT,
            root,
            b ->
                b.extension(
                    Extension.policyConstraints.getId(),
                    true,
                    new PolicyConstraints(null, BigInteger.ONE))));
    cases.add(
        leafCase(
            "a leaf with critical SANs and a subject",
            "4.2.1.6",
            EXTENSION_PROFILE,
            area,
            b -> b.sanCritical(true)));
    cases.add(
        leafCase(
            "a leaf with a malformed authorityInfoAccess",
            "4.2.2.1",
            EXTENSION_PROFILE,
            area,
            b ->
                b.extension(
                    Extension.authorityInfoAccess.getId(),
                    false,
                    new DERSequence(new ASN1Integer(7)))));
    cases.add(
        leafCase(
            "a leaf with a well-formed authorityInfoAccess",
            "4.2.2.1",
            ACCEPT,
            area,
            b ->
                b.extension(
                    Extension.authorityInfoAccess.getId(),
                    false,
                    new AuthorityInformationAccess(
                        X509ObjectIdentifiers.id_ad_caIssuers,
                        new GeneralName(
                            GeneralName.uniformResourceIdentifier,
                            "http://ca.conformance.example/area.crt")))));

    // Name constraints: their form (4.2.1.10), a wildcard under an excluded name, and a bound on
    // the work many names under many subtrees ask for.
    cases.add(
        intermediateCase(
            "a DNS name constraint with a leading period",
            "4.2.1.10",
            EXTENSION_PROFILE,
            root,
            b -> b.permittedDns(".conformance.example")));
    cases.add(
        intermediateCase(
            "name constraints with neither permitted nor excluded subtrees",
            "4.2.1.10",
            EXTENSION_PROFILE,
            root,
            b -> b.extension(Extension.nameConstraints.getId(), true, new DERSequence())));
    cases.add(
        intermediateCase(
            "an empty list of permitted subtrees",
            "4.2.1.10",
            EXTENSION_PROFILE,
            root,
            b ->
                b.extension(
                    Extension.nameConstraints.getId(),
                    true,
                    new DERSequence(new DERTaggedObject(false, 0, new DERSequence())))));
    TestPki.Ca excluding =
        root.intermediate(
            "CN=Conformance Excluding",
            TestPki.ecKeyPair(),
            b -> b.excludedDns("secret.conformance.example"));
    cases.add(
        leafCase(
            "a wildcard that stands for an excluded name",
            "4.2.1.10",
            WILDCARD_EXCLUDED,
            excluding,
            b -> b.dnsSan("*.conformance.example")));
    cases.add(
        leafCase(
            "a wildcard above a deeper excluded subtree",
            "4.2.1.10",
            ACCEPT,
            excluding,
            b -> b.dnsSan("*.other.conformance.example")));
    String[] manySubtrees = new String[300];
    for (int i = 0; i < manySubtrees.length; i++) {
      manySubtrees[i] = "excluded" + i + ".conformance.example";
    }
    TestPki.Ca heavy =
        root.intermediate(
            "CN=Conformance Heavy", TestPki.ecKeyPair(), b -> b.excludedDns(manySubtrees));
    cases.add(
        leafCase(
            "300 DNS names under 300 excluded subtrees",
            "4.2.1.10",
            NAME_CONSTRAINT_WORK,
            heavy,
            b -> {
              for (int i = 0; i < 300; i++) {
                b.dnsSan("host" + i + ".conformance.example");
              }
            }));
    cases.add(
        leafCase(
            "20 DNS names under 300 excluded subtrees",
            "4.2.1.10",
            ACCEPT,
            heavy,
            b -> {
              for (int i = 0; i < 20; i++) {
                b.dnsSan("host" + i + ".conformance.example");
              }
            }));

    // IP addresses: 4 or 16 octets in a name (4.2.1.6), address and CIDR mask, 8 or 32 octets,
    // in a constraint (4.2.1.10). A wrong length is refused with its clause, not left to whichever
    // parser stumbles on it first, and never skips the constraint it should meet.
    TestPki.Ca ipPermitting =
        root.intermediate(
            "CN=Conformance IP Area",
            TestPki.ecKeyPair(),
            b -> b.permittedIp(bytes(10, 0, 0, 0, 255, 0, 0, 0)));
    cases.add(
        leafCase(
            "an IP address inside a permitted IP subtree",
            "4.2.1.10",
            ACCEPT,
            ipPermitting,
            b -> b.ipSan("10.1.2.3")));
    cases.add(
        leafCase(
            "an IP address outside a permitted IP subtree",
            "4.2.1.10",
            NAME_CONSTRAINT,
            ipPermitting,
            b -> b.ipSan("192.0.2.1")));
    cases.add(
        leafCase(
            "an IP address of five octets under a permitted IP subtree",
            "4.2.1.6",
            IP_SYNTAX,
            ipPermitting,
            b -> b.rawIpSan(bytes(10, 1, 2, 3, 4)).lenient()));
    cases.add(
        leafCase(
            "an IP address of three octets",
            "4.2.1.6",
            IP_SYNTAX,
            area,
            b -> b.rawIpSan(bytes(10, 1, 2)).lenient()));
    cases.add(
        intermediateCase(
            "an IP name constraint of seven octets",
            "4.2.1.10",
            EXTENSION_PROFILE,
            root,
            b -> b.permittedIp(bytes(10, 0, 0, 0, 255, 0, 0)).lenient()));
    cases.add(
        intermediateCase(
            "an IP name constraint whose mask is not a prefix",
            "4.2.1.10",
            EXTENSION_PROFILE,
            root,
            b -> b.excludedIp(bytes(10, 0, 0, 0, 255, 0, 255, 0))));

    TestPki.Ca heavyRoot =
        TestPki.root(
            "CN=Conformance Heavy Root", TestPki.ecKeyPair(), b -> b.excludedDns(manySubtrees));
    TestPki.Ca underHeavyRoot = heavyRoot.intermediate("CN=Area under a heavy root");
    cases.add(
        leafCase(
            "300 DNS names under a trust anchor's 300 excluded subtrees",
            "4.2.1.10",
            NAME_CONSTRAINT_WORK,
            underHeavyRoot,
            dnsSans(300)));
    cases.add(
        leafCase(
            "20 DNS names under a trust anchor's 300 excluded subtrees",
            "4.2.1.10",
            ACCEPT,
            underHeavyRoot,
            dnsSans(20)));

    cases.add(
        leafCase(
            "a DNS name with an underscore",
            "4.2.1.6",
            DNS_SYNTAX,
            area,
            b -> b.dnsSan("under_score.conformance.example")));

    // Extended key usage: anyExtendedKeyUsage does not state the purpose (4.2.1.12 lets the
    // relying party refuse it) and is not critical; a CA's EKU limits what it vouches for.
    cases.add(
        leafCase(
            "a leaf whose only EKU is anyExtendedKeyUsage",
            "4.2.1.12",
            EKU_NOT_ALLOWED,
            area,
            b -> b.withoutEku().anyEku()));
    cases.add(
        leafCase(
            "a leaf with clientAuth and anyExtendedKeyUsage",
            "4.2.1.12",
            ACCEPT,
            area,
            b -> b.anyEku()));
    cases.add(
        leafCase(
            "a leaf with a critical EKU holding anyExtendedKeyUsage",
            "4.2.1.12",
            EXTENSION_PROFILE,
            area,
            b -> b.anyEku().ekuCritical(true)));
    cases.add(
        leafCase(
            "a leaf with a critical clientAuth EKU",
            "4.2.1.12",
            ACCEPT,
            area,
            b -> b.ekuCritical(true)));
    cases.add(
        intermediateCase(
            "an intermediate whose EKU is serverAuth only",
            "4.2.1.12",
            CA_EKU,
            root,
            b -> b.serverAuth()));
    cases.add(
        intermediateCase(
            "an intermediate whose EKU includes clientAuth",
            "4.2.1.12",
            ACCEPT,
            root,
            b -> b.clientAuth()));
    cases.add(
        anchorCase("a root whose EKU is serverAuth only", "4.2.1.12", CA_EKU, b -> b.serverAuth()));
    cases.add(anchorCase("a root with anyExtendedKeyUsage", "4.2.1.12", ACCEPT, b -> b.anyEku()));

    // keyCertSign only with cA (4.2.1.3, 4.2.1.9): a leaf whose key may sign certificates is
    // refused in every mode, whatever its basic constraints leave unsaid.
    cases.add(
        leafCase(
            "a leaf with keyCertSign and cA false",
            "4.2.1.3",
            LEAF_SIGNS_CERTIFICATES,
            area,
            b -> b.keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)));
    cases.add(
        leafCase(
            "a leaf with keyCertSign and no basic constraints",
            "4.2.1.3",
            LEAF_SIGNS_CERTIFICATES,
            area,
            b ->
                b.noBasicConstraints().keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)));

    // Duties RFC 5280 puts on the issuer, not on the verifier: the standards accept these; the
    // deployment policy may refuse them (docs/policy.md).
    cases.add(
        anchorCase(
            "a trust anchor without a keyUsage extension (6.1.1 (d): an input)",
            "4.2.1.3",
            ACCEPT,
            b -> b.keyUsage(0)));
    cases.add(
        intermediateCase(
            "an intermediate without a keyUsage extension (6.1.4 (n): only when present)",
            "4.2.1.3",
            ACCEPT,
            root,
            b -> b.keyUsage(0)));
    cases.add(
        leafCase(
            "a leaf with a pathLenConstraint and cA false (meaningless there)",
            "4.2.1.9",
            ACCEPT,
            area,
            b ->
                b.noBasicConstraints()
                    .extension(
                        Extension.basicConstraints.getId(),
                        true,
                        new DERSequence(new ASN1Integer(3)))));
    TestPki.Ca limited =
        root.intermediate("CN=Conformance Limited", TestPki.ecKeyPair(), b -> b.ca(0));
    TestPki.Ca rolled =
        limited.intermediate("CN=Conformance Limited", TestPki.ecKeyPair(), b -> b.ca(0));
    cases.add(
        leafCase(
            "a self-issued intermediate under pathLenConstraint 0 (6.1.4 (l): not counted)",
            "6.1.4",
            ACCEPT,
            rolled,
            b -> {}));

    // A CA certificate as the end entity: RFC 5280 allows it, the deployment policy does not.
    cases.add(
        leafCase(
            "a CA certificate as the leaf",
            "4.2.1.9",
            ACCEPT,
            area,
            b -> b.ca(0).keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)));
    cases.add(
        leafCase(
            "a CA certificate with name constraints as the leaf (a CA certificate still)",
            "4.2.1.10",
            ACCEPT,
            area,
            b ->
                b.ca(0)
                    .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)
                    .permitted(GeneralName.uniformResourceIdentifier, "conformance.example")));
    cases.add(
        leafCase(
            "a CA certificate as the leaf whose key usage does not allow TLS client",
            "4.2.1.3",
            "PRTC0123E",
            area,
            b -> b.ca(0).keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));

    // Path building: a presented intermediate that fails (expired) must not hide a valid
    // re-issue of it (same subject and key) that is also presented.
    KeyPair reissuedKeys = TestPki.ecKeyPair();
    Instant longAgo = Instant.now().minus(Duration.ofDays(60));
    TestPki.Ca expired =
        root.intermediate(
            "CN=Conformance Reissued",
            reissuedKeys,
            b -> b.validity(longAgo, longAgo.plus(Duration.ofDays(30))));
    TestPki.Ca reissued = root.intermediate("CN=Conformance Reissued", reissuedKeys, b -> {});
    X509Certificate underBoth = clientLeafBuilder(reissued, TestPki.ecKeyPair()).build();
    cases.add(
        new Case(
            "an expired intermediate presented before a valid re-issue of it",
            "6.1",
            ACCEPT,
            root.certificate(),
            List.of(expired.certificate(), reissued.certificate()),
            underBoth,
            null));

    // Alternate paths: the first path found fails a check a second one passes (an intermediate
    // whose name constraints forbid the leaf, and another certificate for the same CA key
    // without them). Every path is tried before refusing, in either presented order.
    KeyPair twinKeys = TestPki.ecKeyPair();
    TestPki.Ca constrained =
        root.intermediate(
            "CN=Conformance Twin", twinKeys, b -> b.permittedDns("elsewhere.example"));
    TestPki.Ca free = root.intermediate("CN=Conformance Twin", twinKeys, b -> {});
    X509Certificate twinLeaf =
        clientLeafBuilder(free, TestPki.ecKeyPair()).dnsSan("host.conformance.example").build();
    cases.add(
        new Case(
            "a constrained intermediate presented before an unconstrained one for its key",
            "6.1",
            ACCEPT,
            root.certificate(),
            List.of(constrained.certificate(), free.certificate()),
            twinLeaf,
            null));
    cases.add(
        new Case(
            "an unconstrained intermediate presented before a constrained one for its key",
            "6.1",
            ACCEPT,
            root.certificate(),
            List.of(free.certificate(), constrained.certificate()),
            twinLeaf,
            null));
    // The same where the failing check is Portcullis's own, after the JDK's: a CA EKU without
    // the purpose (4.2.1.12), which the JDK's path builder does not look at.
    KeyPair ekuTwinKeys = TestPki.ecKeyPair();
    TestPki.Ca serverOnly =
        root.intermediate("CN=Conformance EKU Twin", ekuTwinKeys, b -> b.serverAuth());
    TestPki.Ca anyPurpose = root.intermediate("CN=Conformance EKU Twin", ekuTwinKeys, b -> {});
    X509Certificate ekuTwinLeaf = clientLeafBuilder(anyPurpose, TestPki.ecKeyPair()).build();
    for (List<X509Certificate> order :
        List.of(
            List.of(serverOnly.certificate(), anyPurpose.certificate()),
            List.of(anyPurpose.certificate(), serverOnly.certificate()))) {
      cases.add(
          new Case(
              "a serverAuth-only intermediate beside an unrestricted one for its key"
                  + (order.get(0) == serverOnly.certificate() ? " (first)" : " (second)"),
              "6.1",
              ACCEPT,
              root.certificate(),
              order,
              ekuTwinLeaf,
              null));
    }
    cases.add(
        new Case(
            "only the constrained intermediate",
            "4.2.1.10",
            NAME_CONSTRAINT,
            root.certificate(),
            List.of(constrained.certificate()),
            twinLeaf,
            null));

    // Universal floors: not deployment choices.
    cases.add(keyCase("an RSA-1024 leaf", "floor", KEY_TOO_SMALL, area, rsa(1024)));
    cases.add(keyCase("an RSA leaf of 2052 bits", "floor", RSA_MODULUS, area, rsa(2052)));
    cases.add(keyCase("an RSA-2048 leaf", "floor", ACCEPT, area, rsa(2048)));
    cases.add(keyCase("a DSA leaf", "floor", KEY_TYPE, area, dsa()));
    cases.add(
        leafCase(
            "a leaf signed with SHA-1",
            "floor",
            SIGNATURE_ALGORITHM,
            area,
            b -> b.signatureAlgorithm("SHA1withECDSA")));

    // maxChainDepth counts intermediates, as DESIGN.md's batch interface does; 0 is allowed.
    TestPki.Ca upper = root.intermediate("CN=Conformance Upper", TestPki.ecKeyPair(), b -> b.ca(1));
    TestPki.Ca second = upper.intermediate("CN=Conformance Sub-area");
    X509Certificate deepLeaf = second.clientLeaf("CN=deep", SPIFFE_ID).certificate();
    List<X509Certificate> two = List.of(second.certificate(), upper.certificate());
    cases.add(
        new Case(
            "two intermediates, two allowed", "6.1", ACCEPT, root.certificate(), two, deepLeaf, 2));
    cases.add(
        new Case(
            "two intermediates, one allowed",
            "6.1",
            PATH_TOO_DEEP,
            root.certificate(),
            two,
            deepLeaf,
            1));
    X509Certificate rolledLeaf = rolled.clientLeaf("CN=rolled", SPIFFE_ID).certificate();
    cases.add(
        new Case(
            "a self-issued intermediate is not counted against maxChainDepth",
            "6.1.4",
            ACCEPT,
            root.certificate(),
            List.of(rolled.certificate(), limited.certificate()),
            rolledLeaf,
            1));
    cases.add(
        new Case(
            "a leaf under the anchor, none allowed",
            "6.1",
            ACCEPT,
            root.certificate(),
            List.of(),
            root.clientLeaf("CN=direct", SPIFFE_ID).certificate(),
            0));
    cases.add(
        new Case(
            "one intermediate, none allowed",
            "6.1",
            PATH_TOO_DEEP,
            root.certificate(),
            List.of(area.certificate()),
            area.clientLeaf("CN=one", SPIFFE_ID).certificate(),
            0));
    return cases;
  }

  private static TestPki.CertBuilder clientLeafBuilder(TestPki.Ca issuer, KeyPair keys) {
    return issuer.issue("CN=conformance leaf", keys).uriSan(SPIFFE_ID).clientAuth();
  }

  private static Case leafCase(
      String name,
      String clause,
      String id,
      TestPki.Ca issuer,
      Consumer<TestPki.CertBuilder> broken) {
    TestPki.CertBuilder leaf = clientLeafBuilder(issuer, TestPki.ecKeyPair());
    broken.accept(leaf);
    return new Case(
        name, clause, id, issuer.rootCertificate(), issuer.chainBelowRoot(), leaf.build(), null);
  }

  private static Case keyCase(
      String name, String clause, String id, TestPki.Ca issuer, KeyPair keys) {
    X509Certificate leaf = clientLeafBuilder(issuer, keys).build();
    return new Case(
        name, clause, id, issuer.rootCertificate(), issuer.chainBelowRoot(), leaf, null);
  }

  private static Case anchorCase(
      String name, String clause, String id, Consumer<TestPki.CertBuilder> broken) {
    TestPki.Ca root = TestPki.root("CN=Broken Root", TestPki.ecKeyPair(), broken);
    TestPki.Ca area = root.intermediate("CN=Area under a broken root");
    return leafCase(name, clause, id, area, b -> {});
  }

  private static Case intermediateCase(
      String name,
      String clause,
      String id,
      TestPki.Ca root,
      Consumer<TestPki.CertBuilder> broken) {
    TestPki.Ca area = root.intermediate("CN=Broken Area", TestPki.ecKeyPair(), broken);
    return leafCase(name, clause, id, area, b -> {});
  }

  private static Consumer<TestPki.CertBuilder> dnsSans(int count) {
    return b -> {
      for (int i = 0; i < count; i++) {
        b.dnsSan("host" + i + ".conformance.example");
      }
    };
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static KeyPair rsa(int bits) {
    return TestPki.rsaKeyPair(bits);
  }

  private static KeyPair dsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("DSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
