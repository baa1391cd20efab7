package io.portcullis.liberty.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.Authentication;
import io.portcullis.identity.WorkloadIdentity;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Liberty's authentication cache never hands a subject made for one area to another. */
class CacheKeyTest {
  private static Authentication.Authenticated caller(String area) {
    return new Authentication.Authenticated(
        new WorkloadIdentity(
            Optional.empty(),
            List.of(),
            List.of(),
            "CN=twin",
            area,
            BigInteger.TEN,
            Instant.EPOCH,
            Instant.EPOCH,
            "ab12"),
        Set.of());
  }

  @Test
  void theKeyNamesTheConfigurationTheAreaAndTheCertificate() {
    assertThat(PortcullisTai.cacheKey(7, caller("dev"))).isEqualTo("portcullis:7:dev:ab12");
    assertThat(PortcullisTai.cacheKey(7, caller("dev")))
        .isNotEqualTo(PortcullisTai.cacheKey(7, caller("twin")))
        .isNotEqualTo(PortcullisTai.cacheKey(8, caller("dev")));
  }
}
