package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

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
    PkixTrustValidator validator =
        new PkixTrustValidator(
            List.of(
                new TrustArea(
                    "conformance", List.of(c.anchor()), List.of(), policy, Revocation.off())),
            Clock.systemUTC());
    List<java.security.cert.X509Certificate> chain = new ArrayList<>();
    chain.add(c.leaf());
    chain.addAll(c.intermediates());

    TrustDecision decision = validator.validate(chain, Purpose.CLIENT);

    if (c.id().isEmpty()) {
      assertThat(decision.accepted()).as(decision.reason()).isTrue();
    } else {
      assertThat(decision.accepted()).as("accepted").isFalse();
      assertThat(decision.messageId()).as(decision.reason()).isEqualTo(c.id());
    }
  }
}
