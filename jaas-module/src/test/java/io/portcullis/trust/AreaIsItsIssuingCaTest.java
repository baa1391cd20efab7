package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several areas under one root, as {@code portcullis ca} makes them: each area vouches only for the
 * leaves of its own intermediate, whatever the order of the areas and whatever the caller sends.
 */
class AreaIsItsIssuingCaTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Corp Root");
  private static final TestPki.Ca ALPHA = ROOT.intermediate("CN=alpha area");
  private static final TestPki.Ca BETA = ROOT.intermediate("CN=beta area");
  private static final TestPki.Ca ZETA = ROOT.intermediate("CN=zeta area");

  private static TrustArea area(String name, TestPki.Ca intermediate) {
    return new TrustArea(name, List.of(ROOT.certificate()), List.of(intermediate.certificate()));
  }

  private static TrustDecision validate(List<TrustArea> areas, List<X509Certificate> chain) {
    return new PkixTrustValidator(areas, Clock.systemUTC()).validate(chain, Purpose.CLIENT);
  }

  private static List<X509Certificate> leafOf(TestPki.Ca area, String id) {
    return area.clientLeaf("CN=" + id, "spiffe://corp/" + id).chain();
  }

  @Test
  void aLeafSentWithItsIntermediateLandsInItsOwnAreaWhateverTheOrder() {
    List<TrustArea> areas =
        new ArrayList<>(List.of(area("alpha", ALPHA), area("beta", BETA), area("zeta", ZETA)));
    for (int round = 0; round < 6; round++) {
      Collections.rotate(areas, 1);
      if (round == 3) {
        Collections.reverse(areas);
      }
      for (Map.Entry<String, TestPki.Ca> area :
          Map.of("alpha", ALPHA, "beta", BETA, "zeta", ZETA).entrySet()) {
        TrustDecision decision = validate(areas, leafOf(area.getValue(), "w-" + area.getKey()));
        assertThat(decision.accepted()).as(decision.explain()).isTrue();
        assertThat(Decisions.area(decision)).as("order %s", names(areas)).isEqualTo(area.getKey());
      }
    }
  }

  @Test
  void aLeafOfAnAreaNotConfiguredIsRefusedThoughItChainsToTheSharedRoot() {
    // The area zeta was removed from the configuration; its leaves must not find a new home.
    TrustDecision decision =
        validate(List.of(area("alpha", ALPHA), area("beta", BETA)), leafOf(ZETA, "z"));
    assertThat(decision.accepted()).as(decision.explain()).isFalse();
    assertThat(Decisions.id(decision)).isEqualTo("PRTC0105E");
    assertThat(decision.explain()).contains("area alpha", "it is another's");
  }

  @Test
  void anotherAreasLeafIsNotOursEvenWhereRevocationFailsHard() {
    // With the root's CRL and its own, each area checks the whole chain and fails hard. Before,
    // alpha ran zeta's leaf through its revocation check and reported "status unknown"
    // (PRTC0119E) instead of "no area of ours" (PRTC0105E).
    List<TrustArea> areas = new ArrayList<>();
    for (Map.Entry<String, TestPki.Ca> area : Map.of("alpha", ALPHA, "beta", BETA).entrySet()) {
      areas.add(
          area(area.getKey(), area.getValue())
              .withRevocation(
                  new Revocation(
                      RevocationMode.HARD_FAIL,
                      false,
                      CrlStore.of(List.of(area.getValue().crl(), ROOT.crl())))));
    }
    TrustDecision own = validate(areas, leafOf(ALPHA, "a"));
    TrustDecision other = validate(areas, leafOf(ZETA, "z"));

    assertThat(own.accepted()).as(own.explain()).isTrue();
    assertThat(other.accepted()).isFalse();
    assertThat(Decisions.id(other)).as(other.explain()).isEqualTo("PRTC0105E");
  }

  @Test
  void aLeafTheRootSignedDirectlyBelongsToNoAreaWithIntermediates() {
    TestPki.Leaf rootSigned = ROOT.clientLeaf("CN=r", "spiffe://corp/alpha/r");
    TrustDecision decision =
        validate(List.of(area("alpha", ALPHA), area("beta", BETA)), rootSigned.chain());
    assertThat(decision.accepted()).as(decision.explain()).isFalse();
    assertThat(Decisions.id(decision)).isEqualTo("PRTC0105E");
  }

  @Test
  void areasThatCannotBeToldApartAreRefusedWhenTheValidatorIsMade() {
    TrustArea rootOnly = new TrustArea("everyone", List.of(ROOT.certificate()), List.of());
    assertThatThrownBy(() -> validate(List.of(area("alpha", ALPHA), rootOnly), leafOf(ALPHA, "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("everyone lists no intermediate");
    assertThatThrownBy(
            () -> validate(List.of(area("alpha", ALPHA), area("also", ALPHA)), leafOf(ALPHA, "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both own the CA CN=alpha area");
    // An intermediate re-issued for the same key is the same issuing CA.
    TestPki.Ca again =
        TestPki.existingCa(
            ROOT.issue("CN=alpha area", ALPHA.keys()).ca(0).build(),
            ALPHA.keys().getPrivate(),
            ROOT.certificate());
    assertThat(TrustArea.ambiguity(List.of(area("alpha", ALPHA), area("other", again))))
        .hasValueSatisfying(why -> assertThat(why).contains("both own"));
    // Distinct roots, each anchor-only: nothing to confuse.
    TestPki.Ca otherRoot = TestPki.root("CN=Other Root");
    assertThat(
            TrustArea.ambiguity(
                List.of(
                    rootOnly, new TrustArea("other", List.of(otherRoot.certificate()), List.of()))))
        .isEmpty();
  }

  private static List<String> names(List<TrustArea> areas) {
    return areas.stream().map(TrustArea::name).toList();
  }
}
