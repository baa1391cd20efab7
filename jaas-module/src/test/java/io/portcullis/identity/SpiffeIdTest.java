package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.PortcullisException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {

  @Test
  void parsesTrustDomainAndPath() throws PortcullisException {
    SpiffeId id = SpiffeId.parse("spiffe://corp.example/payments/api");
    assertThat(id.trustDomain()).isEqualTo("corp.example");
    assertThat(id.path()).isEqualTo("/payments/api");
    assertThat(id).hasToString("spiffe://corp.example/payments/api");
    assertThat(id).isEqualTo(SpiffeId.parse("spiffe://corp.example/payments/api"));
  }

  @Test
  void acceptsTrustDomainOnly() throws PortcullisException {
    assertThat(SpiffeId.parse("spiffe://corp.example").path()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "https://corp.example/a",
        "SPIFFE://corp.example/a",
        "spiffe://",
        "spiffe://Corp.example/a",
        "spiffe://corp.example:443/a",
        "spiffe://user@corp.example/a",
        "spiffe://corp.example/a//b",
        "spiffe://corp.example/a/../b",
        "spiffe://corp.example/a/",
        "spiffe://corp.example/a?x=1",
        "spiffe://corp.example/a#f",
        "spiffe://corp.example/a%20b"
      })
  void refusesMalformedIds(String uri) {
    assertThatThrownBy(() -> SpiffeId.parse(uri))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0201E");
  }
}
