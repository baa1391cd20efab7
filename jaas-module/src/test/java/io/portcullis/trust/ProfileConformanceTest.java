package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Decisions;
import io.portcullis.testing.ProfileCases;
import io.portcullis.testing.ProfileCases.Case;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trust core against {@link ProfileCases}, with the standards only (what {@code verify --batch}
 * applies without a policy): one RFC 5280 clause or universal floor per case, each refused with its
 * own ID.
 */
class ProfileConformanceTest {

  static List<Case> cases() {
    return ProfileCases.cases();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void eachClauseHasItsAnswer(Case c) {
    TrustPolicy policy =
        c.maxChainDepth() == null
            ? TrustPolicy.standards()
            : TrustPolicy.standards().withMaxChainDepth(c.maxChainDepth());
    TrustDecision decision = validate(c, policy);

    if (c.id().isEmpty()) {
      assertThat(decision.accepted()).as(decision.explain()).isTrue();
    } else {
      assertThat(decision.accepted()).as("accepted").isFalse();
      assertThat(Decisions.id(decision)).as(decision.explain()).isEqualTo(c.id());
    }
  }

  /**
   * The issuer's duties the standards leave to the issuer are the deployment policy's to hold:
   * refused by default, accepted with {@code issuerDuties=false}; a leaf that may sign certificates
   * gets the same ID with or without a policy.
   */
  @org.junit.jupiter.api.Test
  void theDeploymentPolicyHoldsIssuersToTheirDuties() {
    java.util.Map<String, String> refused =
        java.util.Map.of(
            "a leaf without an authority key identifier (the issuer's duty)", "PRTC0148E",
            "an intermediate without an authority key identifier (the issuer's duty)", "PRTC0148E",
            "a trust anchor without a keyUsage extension (6.1.1 (d): an input)", "PRTC0146E",
            "an intermediate without a keyUsage extension (6.1.4 (n): only when present)",
                "PRTC0121E",
            "a leaf with keyCertSign and cA false", "PRTC0159E",
            "a leaf with keyCertSign and no basic constraints", "PRTC0159E");
    TrustPolicy deployment = TrustPolicy.defaults().withMaxLeafLifetime(null);
    TrustPolicy lenient = deployment.toBuilder().holdIssuersToDuties(false).build();
    int seen = 0;
    for (Case c : cases()) {
      String id = refused.get(c.name());
      if (id == null) {
        continue;
      }
      seen++;
      TrustDecision strict = validate(c, deployment);
      assertThat(Decisions.id(strict)).as(c + ": " + strict.explain()).isEqualTo(id);
      TrustDecision relaxed = validate(c, lenient);
      if (id.equals("PRTC0159E")) {
        assertThat(Decisions.id(relaxed)).as(c.name()).isEqualTo(id);
      } else {
        assertThat(relaxed.accepted()).as(c + ": " + relaxed.explain()).isTrue();
      }
    }
    assertThat(seen).isEqualTo(refused.size());
  }

  private static TrustDecision validate(Case c, TrustPolicy policy) {
    PkixTrustValidator validator =
        new PkixTrustValidator(
            List.of(
                new TrustArea(
                    "conformance", List.of(c.anchor()), List.of(), policy, Revocation.off())),
            Clock.systemUTC());
    List<java.security.cert.X509Certificate> chain = new ArrayList<>();
    chain.add(c.leaf());
    chain.addAll(c.intermediates());

    return validator.validate(chain, Purpose.CLIENT);
  }
}
