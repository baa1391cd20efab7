package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.Decisions;
import io.portcullis.testing.MutableClock;
import io.portcullis.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkixTrustValidatorTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Payments Area");

  private static TrustArea area() {
    return new TrustArea("payments", List.of(ROOT.certificate()), List.of());
  }

  private static PkixTrustValidator validator(TrustArea... areas) {
    return new PkixTrustValidator(List.of(areas), Clock.systemUTC());
  }

  private static TrustDecision client(TrustArea area, List<X509Certificate> chain) {
    return validator(area).validate(chain, Purpose.CLIENT);
  }

  private static TestPki.CertBuilder leaf() {
    return AREA.issue("CN=w").uriSan("spiffe://corp/w").clientAuth();
  }

  private static void assertRejected(TrustDecision decision, String id) {
    assertThat(decision.accepted()).as(decision.explain()).isFalse();
    assertThat(Decisions.id(decision)).as(decision.explain()).isEqualTo(id);
    assertThat(decision.explain()).startsWith(id + ": ");
  }

  @Test
  void acceptsWellFormedChainAndNamesTheArea() {
    TrustDecision decision = client(area(), leaf().issueLeaf().chain());
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
    assertThat(Decisions.area(decision)).isEqualTo("payments");
  }

  @Test
  void acceptsChainThatIncludesTheRoot() {
    List<X509Certificate> chain = new ArrayList<>(leaf().issueLeaf().chain());
    chain.add(ROOT.certificate());
    assertThat(client(area(), chain).accepted()).isTrue();
  }

  @Test
  void extendedKeyUsage() {
    TestPki.Leaf noEku = AREA.issue("CN=n").uriSan("spiffe://corp/n").issueLeaf();
    assertRejected(client(area(), noEku.chain()), "PRTC0128E");
    TrustArea lenient = area().withPolicy(TrustPolicy.defaults().withEku(false, false));
    assertThat(client(lenient, noEku.chain()).accepted()).isTrue();
    TestPki.Leaf server = AREA.issue("CN=s").serverAuth().issueLeaf();
    assertRejected(client(area(), server.chain()), "PRTC0106E");
    assertThat(validator(area()).validate(server.chain(), Purpose.SERVER).accepted()).isTrue();
  }

  @Test
  void leafLifetimeLongerThanMaximumIsRefused() {
    Instant now = Instant.now();
    TestPki.Leaf longLived =
        leaf().validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90))).issueLeaf();
    assertRejected(client(area(), longLived.chain()), "PRTC0111E");
    TrustArea yearly =
        area().withPolicy(TrustPolicy.defaults().withMaxLeafLifetime(Duration.ofDays(365)));
    assertThat(client(yearly, longLived.chain()).accepted()).isTrue();
  }

  @Test
  void certificateWithoutRealExpiryIsRefused() {
    TestPki.Leaf forever =
        leaf()
            .validity(
                Instant.now().minus(Duration.ofDays(1)), Instant.parse("9999-12-31T23:59:59Z"))
            .issueLeaf();
    TrustArea noLimit =
        area().withPolicy(TrustPolicy.defaults().withMaxLeafLifetime(Duration.ofDays(4_000_000)));
    assertRejected(client(noLimit, forever.chain()), "PRTC0112E");
  }

  @Test
  void weakRsaKeyIsRefusedAndStrongAccepted() {
    TestPki.Leaf weak = AREA.issue("CN=r", TestPki.rsaKeyPair(1024)).clientAuth().issueLeaf();
    assertRejected(client(area(), weak.chain()), "PRTC0113E");
    TestPki.Leaf strong =
        AREA.issue("CN=r", TestPki.rsaKeyPair(2048))
            .clientAuth()
            .keyUsage(KeyUsage.digitalSignature)
            .issueLeaf();
    assertThat(client(area(), strong.chain()).accepted()).isTrue();
    // A policy cannot go below the universal floor: RSA-1024 is no deployment's choice.
    TrustArea floorless = area().withPolicy(TrustPolicy.defaults().withKeyFloors(0, 0));
    assertRejected(client(floorless, weak.chain()), "PRTC0113E");
  }

  @Test
  void weakAnchorKeyIsRefused() {
    TestPki.Ca weakRoot = TestPki.root("CN=Weak Root", TestPki.rsaKeyPair(1024), b -> {});
    TestPki.Leaf leaf = weakRoot.intermediate("CN=I").issue("CN=x").clientAuth().issueLeaf();
    TrustArea area = new TrustArea("weak", List.of(weakRoot.certificate()), List.of());
    assertRejected(client(area, leaf.chain()), "PRTC0113E");
  }

  @Test
  void sha1SignatureIsRefusedByPolicyAndByStandards() {
    TestPki.Leaf sha1 = leaf().signatureAlgorithm("SHA1withECDSA").issueLeaf();
    assertRejected(client(area(), sha1.chain()), "PRTC0115E");
    TrustArea standards = area().withPolicy(TrustPolicy.standards());
    assertRejected(client(standards, sha1.chain()), "PRTC0115E");
  }

  @Test
  void chainDeeperThanTheAreaAllowsIsRefused() {
    TestPki.Ca upper = ROOT.intermediate("CN=Upper", TestPki.ecKeyPair(), b -> b.ca(-1));
    TestPki.Ca lower = upper.intermediate("CN=Lower");
    TestPki.Leaf deep = lower.issue("CN=d").clientAuth().issueLeaf();
    assertThat(deep.chain()).hasSize(3);
    assertThat(client(area(), deep.chain()).accepted()).isTrue();
    assertRejected(
        client(area().withPolicy(TrustPolicy.defaults().withMaxChainDepth(1)), deep.chain()),
        "PRTC0109E");
  }

  @Test
  void reorderedAndMissingIntermediatesAreBuilt() {
    TestPki.Ca upper = ROOT.intermediate("CN=Upper", TestPki.ecKeyPair(), b -> b.ca(-1));
    TestPki.Ca lower = upper.intermediate("CN=Lower");
    TestPki.Leaf deep = lower.issue("CN=d").clientAuth().issueLeaf();
    List<X509Certificate> reordered =
        List.of(deep.certificate(), upper.certificate(), lower.certificate());
    assertThat(client(area(), reordered).accepted()).isTrue();
    List<X509Certificate> missing = List.of(deep.certificate(), lower.certificate());
    assertRejected(client(area(), missing), "PRTC0105E");
    // The area's intermediates complete the path; a leaf is the area's when one of them issued
    // it, so the area lists the issuing CA too (listing only upper vouches for upper's leaves).
    TrustArea upperOnly =
        new TrustArea("payments", List.of(ROOT.certificate()), List.of(upper.certificate()));
    assertRejected(client(upperOnly, missing), "PRTC0105E");
    TrustArea knowing =
        new TrustArea(
            "payments",
            List.of(ROOT.certificate()),
            List.of(upper.certificate(), lower.certificate()));
    assertThat(client(knowing, List.of(deep.certificate())).accepted()).isTrue();
  }

  @Test
  void anchorNameConstraintsAreHonoured() {
    TestPki.Ca constrained =
        TestPki.root(
            "CN=Constrained Root", TestPki.ecKeyPair(), b -> b.permittedDns("corp.example"));
    TestPki.Ca area = constrained.intermediate("CN=Area");
    TrustArea trust = new TrustArea("c", List.of(constrained.certificate()), List.of());
    TestPki.Leaf inside = area.issue("CN=in").dnsSan("api.corp.example").clientAuth().issueLeaf();
    TestPki.Leaf outside = area.issue("CN=out").dnsSan("api.evil.example").clientAuth().issueLeaf();
    assertThat(client(trust, inside.chain()).accepted()).isTrue();
    assertRejected(client(trust, outside.chain()), "PRTC0117E");
  }

  @Test
  void intermediateNameConstraintsAreHonoured() {
    TestPki.Ca constrained =
        ROOT.intermediate(
            "CN=Constrained", TestPki.ecKeyPair(), b -> b.excludedDns("evil.example"));
    TestPki.Leaf outside =
        constrained.issue("CN=out").dnsSan("api.evil.example").clientAuth().issueLeaf();
    assertRejected(client(area(), outside.chain()), "PRTC0117E");
  }

  @Test
  void caProfileRules() {
    TestPki.Ca noKeyUsage = ROOT.intermediate("CN=NoKU", TestPki.ecKeyPair(), b -> b.keyUsage(0));
    assertRejected(
        client(area(), noKeyUsage.issue("CN=x").clientAuth().issueLeaf().chain()), "PRTC0121E");
    TestPki.Ca nonCritical =
        ROOT.intermediate(
            "CN=NonCrit", TestPki.ecKeyPair(), b -> b.basicConstraintsCritical(false));
    assertRejected(
        client(area(), nonCritical.issue("CN=x").clientAuth().issueLeaf().chain()), "PRTC0121E");
  }

  @Test
  void aCertificateIsValidThroughoutTheSecondOfItsNotAfter() {
    Instant notAfter = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    TestPki.Leaf leaf =
        leaf().validity(Instant.now().minus(Duration.ofHours(1)), notAfter).issueLeaf();
    MutableClock clock = new MutableClock(notAfter.plusMillis(999));
    PkixTrustValidator validator = new PkixTrustValidator(List.of(area()), clock);
    TrustDecision inTheLastSecond = validator.validate(leaf.chain(), Purpose.CLIENT);
    assertThat(inTheLastSecond.accepted()).as(inTheLastSecond.explain()).isTrue();
    clock.set(notAfter.plusSeconds(1));
    assertRejected(validator.validate(leaf.chain(), Purpose.CLIENT), "PRTC0103E");
  }

  @Test
  void aCaCertificateAsTheLeafIsRefusedByTheDeploymentPolicyOnly() {
    TestPki.Leaf caLeaf =
        leaf().ca(0).keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign).issueLeaf();
    assertRejected(client(area(), caLeaf.chain()), "PRTC0122E");
    TrustArea standards = area().withPolicy(TrustPolicy.standards());
    TrustDecision decision = client(standards, caLeaf.chain());
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
  }

  @Test
  void anExpiredIntermediateDoesNotHideAValidReissueOfIt() {
    KeyPair keys = TestPki.ecKeyPair();
    Instant longAgo = Instant.now().minus(Duration.ofDays(60));
    TestPki.Ca expired =
        ROOT.intermediate(
            "CN=Reissued Area", keys, b -> b.validity(longAgo, longAgo.plus(Duration.ofDays(30))));
    TestPki.Ca reissued = ROOT.intermediate("CN=Reissued Area", keys, b -> {});
    X509Certificate leaf = reissued.issue("CN=r").uriSan("spiffe://corp/r").clientAuth().build();
    List<X509Certificate> presented = List.of(leaf, expired.certificate());
    TrustArea bare = new TrustArea("payments", List.of(ROOT.certificate()), List.of());
    assertThat(client(bare, presented).accepted()).isFalse();
    TrustArea knowsTheReissue =
        new TrustArea("payments", List.of(ROOT.certificate()), List.of(reissued.certificate()));
    TrustDecision decision = client(knowsTheReissue, presented);
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
  }

  @Test
  void leafProfileRules() {
    assertRejected(client(area(), leaf().ca(-1).issueLeaf().chain()), "PRTC0122E");
    assertRejected(
        client(
            area(),
            leaf().keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign).issueLeaf().chain()),
        "PRTC0159E"); // keyCertSign without cA: malformed before it is a CA as a caller
    assertRejected(
        client(area(), leaf().keyUsage(KeyUsage.keyAgreement).issueLeaf().chain()), "PRTC0123E");
    assertRejected(
        client(
            area(),
            leaf()
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                .issueLeaf()
                .chain()),
        "PRTC0123E");
  }

  @Test
  void serialNumberRules() {
    assertRejected(client(area(), leaf().serial(BigInteger.ZERO).issueLeaf().chain()), "PRTC0124E");
    assertRejected(
        client(area(), leaf().serial(BigInteger.valueOf(-5)).issueLeaf().chain()), "PRTC0124E");
    assertRejected(
        client(area(), leaf().serial(BigInteger.ONE.shiftLeft(170)).issueLeaf().chain()),
        "PRTC0124E");
  }

  @Test
  void validityEncodingRule() {
    assertRejected(
        client(area(), leaf().generalizedTimeValidity().issueLeaf().chain()), "PRTC0125E");
  }

  @Test
  void unknownCriticalExtensionIsRefused() {
    TestPki.Leaf odd = leaf().extension("1.3.6.1.4.1.99999.1", true, DERNull.INSTANCE).issueLeaf();
    assertRejected(client(area(), odd.chain()), "PRTC0116E");
    TestPki.Leaf fine =
        leaf().extension("1.3.6.1.4.1.99999.1", false, DERNull.INSTANCE).issueLeaf();
    assertThat(client(area(), fine.chain()).accepted()).isTrue();
  }

  @Test
  void forgedSignatureIsRefused() {
    TestPki.Ca impostor = TestPki.root("CN=Other").intermediate("CN=Payments Area");
    List<X509Certificate> chain =
        List.of(impostor.issue("CN=f").clientAuth().build(), AREA.certificate());
    assertRejected(client(area(), chain), "PRTC0126E");
  }

  @Test
  void expiredIntermediateIsNamed() {
    Instant now = Instant.now();
    TestPki.Ca old =
        ROOT.intermediate(
            "CN=Old",
            TestPki.ecKeyPair(),
            b -> b.validity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
    TrustDecision decision = client(area(), old.issue("CN=x").clientAuth().issueLeaf().chain());
    assertRejected(decision, "PRTC0103E");
    assertThat(decision.explain()).contains("CN=Old");
  }

  @Test
  void badInputIsRejectedWithReasons() {
    PkixTrustValidator v = validator(area());
    assertRejected(v.validate(null, Purpose.CLIENT), "PRTC0101E");
    assertRejected(v.validate(List.of(), Purpose.CLIENT), "PRTC0101E");
    assertRejected(v.validate(Arrays.asList((X509Certificate) null), Purpose.CLIENT), "PRTC0101E");
    TestPki.Leaf leaf = leaf().issueLeaf();
    assertRejected(v.validate(leaf.chain(), null), "PRTC0101E");
    assertRejected(
        v.validate(List.of(leaf.certificate(), leaf.certificate()), Purpose.CLIENT), "PRTC0110E");
    List<X509Certificate> tooLong = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      tooLong.add(AREA.issue("CN=" + i).build());
    }
    assertRejected(v.validate(tooLong, Purpose.CLIENT), "PRTC0108E");
    assertRejected(
        new PkixTrustValidator(List.of(), Clock.systemUTC()).validate(leaf.chain(), Purpose.CLIENT),
        "PRTC0102E");
    assertRejected(v.validate(List.of(ROOT.certificate()), Purpose.CLIENT), "PRTC0105E");
  }

  @Test
  void revokedLeafIsRefused() {
    TestPki.Leaf leaf = leaf().issueLeaf();
    TrustArea area =
        area()
            .withRevocation(
                new Revocation(
                    RevocationMode.HARD_FAIL,
                    true,
                    CrlStore.of(List.of(AREA.crl(leaf.certificate().getSerialNumber())))));
    assertRejected(client(area, leaf.chain()), "PRTC0118E");
    TestPki.Leaf other = leaf().issueLeaf();
    assertThat(client(area, other.chain()).accepted()).isTrue();
  }

  @Test
  void hardFailRefusesWithoutCrlAndSoftFailAccepts() {
    TestPki.Leaf leaf = leaf().issueLeaf();
    TrustArea hard =
        area().withRevocation(new Revocation(RevocationMode.HARD_FAIL, true, CrlStore.empty()));
    assertRejected(client(hard, leaf.chain()), "PRTC0119E");
    TrustArea soft =
        area().withRevocation(new Revocation(RevocationMode.SOFT_FAIL, true, CrlStore.empty()));
    assertThat(client(soft, leaf.chain()).accepted()).isTrue();
    Instant now = Instant.now();
    TrustArea stale =
        area()
            .withRevocation(
                new Revocation(
                    RevocationMode.HARD_FAIL,
                    true,
                    CrlStore.of(
                        List.of(
                            AREA.crl(
                                now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)))))));
    assertRejected(client(stale, leaf.chain()), "PRTC0119E");
  }

  @Test
  void wholeChainRevocationChecksIntermediates() {
    TestPki.Leaf leaf = leaf().issueLeaf();
    TrustArea area =
        area()
            .withRevocation(
                new Revocation(
                    RevocationMode.HARD_FAIL,
                    false,
                    CrlStore.of(
                        List.of(AREA.crl(), ROOT.crl(AREA.certificate().getSerialNumber())))));
    TrustDecision decision = client(area, leaf.chain());
    assertRejected(decision, "PRTC0118E");
    assertThat(decision.explain()).contains("CN=Payments Area");
  }

  @Test
  void crlRefreshKeepsLastGoodAndPicksUpRevocations(@TempDir Path dir) throws Exception {
    TestPki.Leaf leaf = leaf().issueLeaf();
    Path file = dir.resolve("area.crl");
    Files.writeString(file, TestPki.pem(AREA.crl()));
    MutableClock clock = MutableClock.now();
    CrlStore store = CrlStore.loading(List.of(CrlSource.file(file)), Duration.ofMinutes(10), clock);
    TrustArea area = area().withRevocation(new Revocation(RevocationMode.HARD_FAIL, true, store));
    PkixTrustValidator v = new PkixTrustValidator(List.of(area), Clock.systemUTC());
    assertThat(v.validate(leaf.chain(), Purpose.CLIENT).accepted()).isTrue();
    Files.delete(file);
    assertThat(store.refresh()).isFalse();
    assertThat(store.crls()).hasSize(1);
    assertThat(v.validate(leaf.chain(), Purpose.CLIENT).accepted()).isTrue();
    Files.writeString(file, TestPki.pem(AREA.crl(leaf.certificate().getSerialNumber())));
    store.refreshIfDue();
    assertThat(v.validate(leaf.chain(), Purpose.CLIENT).accepted()).isTrue();
    clock.advance(Duration.ofMinutes(11));
    store.refreshIfDue();
    assertRejected(v.validate(leaf.chain(), Purpose.CLIENT), "PRTC0118E");
  }

  @Test
  void denyListBySerialAndFingerprintTakesEffectAtOnce() throws PortcullisException {
    TestPki.Leaf leaf = leaf().issueLeaf();
    DenyList deny = DenyList.empty();
    PkixTrustValidator v = new PkixTrustValidator(List.of(area()), Clock.systemUTC(), deny, 100);
    assertThat(v.validate(leaf.chain(), Purpose.CLIENT).accepted()).isTrue();
    deny.replace(List.of("serial:" + leaf.certificate().getSerialNumber().toString(16)));
    assertRejected(v.validate(leaf.chain(), Purpose.CLIENT), "PRTC0120E");
    deny.replace(List.of("# fingerprint", "sha256:" + DenyList.sha256(leaf.certificate())));
    assertRejected(v.validate(leaf.chain(), Purpose.CLIENT), "PRTC0120E");
    deny.replace(List.of("sha256:" + DenyList.sha256(AREA.certificate()).toUpperCase()));
    assertRejected(v.validate(leaf.chain(), Purpose.CLIENT), "PRTC0120E");
    deny.replace(List.of());
    assertThat(v.validate(leaf.chain(), Purpose.CLIENT).accepted()).isTrue();
  }

  @Test
  void denyListFileReloadKeepsPreviousOnBadEntry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("deny.txt");
    Files.writeString(file, "serial:0a\n");
    DenyList deny = DenyList.empty();
    assertThat(deny.reloadFrom(file)).isTrue();
    assertThat(deny.size()).isEqualTo(1);
    Files.writeString(file, "serial:0a\nnonsense\n");
    assertThat(deny.reloadFrom(file)).isFalse();
    assertThat(deny.size()).isEqualTo(1);
  }

  @Test
  void cachedDecisionEndsAtNotAfter() {
    MutableClock clock = MutableClock.now();
    TestPki.Leaf leaf = leaf().issueLeaf();
    PkixTrustValidator v = new PkixTrustValidator(List.of(area()), clock, DenyList.empty(), 100);
    TrustDecision first = v.validate(leaf.chain(), Purpose.CLIENT);
    assertThat(first.accepted()).isTrue();
    assertThat(v.validate(leaf.chain(), Purpose.CLIENT)).isSameAs(first);
    clock.advance(Duration.ofDays(2));
    assertRejected(v.validate(leaf.chain(), Purpose.CLIENT), "PRTC0103E");
  }

  @Test
  void standardsPolicyStillRequiresPurposeWhenEkuPresent() {
    TrustArea standards = area().withPolicy(TrustPolicy.standards());
    TestPki.Leaf server = AREA.issue("CN=s").serverAuth().issueLeaf();
    assertRejected(client(standards, server.chain()), "PRTC0106E");
    assertThat(Set.of(TrustPolicy.standards().maxChainDepth())).containsExactly(8);
  }

  @Test
  void rsaChainWithDefaultsIsAccepted() {
    KeyPair rootKeys = TestPki.rsaKeyPair(2048);
    TestPki.Ca rsaRoot = TestPki.root("CN=RSA Root", rootKeys, b -> {});
    TestPki.Leaf leaf = rsaRoot.intermediate("CN=RSA Area").issue("CN=r").clientAuth().issueLeaf();
    TrustArea area = new TrustArea("rsa", List.of(rsaRoot.certificate()), List.of());
    assertThat(client(area, leaf.chain()).accepted()).isTrue();
  }
}
