package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.Authentication;
import org.junit.jupiter.api.Test;

/**
 * The benchmark measures only what the trust core accepts: when a new check starts refusing the
 * benchmark's chain, {@code setUp} throws and this test fails, instead of the next JMH run.
 */
class TrustBenchmarkTest {
  @Test
  void everyBenchmarkRunsOnAnAcceptedChain() throws Exception {
    TrustBenchmark benchmark = new TrustBenchmark();
    benchmark.setUp();
    assertThat(benchmark.identityAndRolesOnCachedChain())
        .isInstanceOf(Authentication.Authenticated.class);
    assertThat(benchmark.uncachedValidation().accepted()).isTrue();
    assertThat(benchmark.uncachedValidationEightAreas())
        .isEqualTo(io.portcullis.trust.TrustDecision.accept("payments"));
    assertThat(benchmark.firstSightValidation().accepted()).isTrue();
    assertThat(benchmark.rawJdkCertPathValidator()).isNotNull();
    assertThat(benchmark.firstSightRawJdk()).isNotNull();
  }
}
