package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
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
        "spiffe://corp.example/a%20b",
        "spiffe://corp.example./a",
        "spiffe://corp.example../a",
        "spiffe://.corp.example/a",
        "spiffe://corp..example/a",
        "spiffe://corp.example.",
        "spiffe://corp\u0000.example/a",
        "spiffe://corp.example/a\u0000b"
      })
  void refusesMalformedIds(String uri) {
    assertThatThrownBy(() -> SpiffeId.parse(uri))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0201E");
  }

  @Test
  void refusesTrustDomainsAndIdsPastTheirLimits() {
    String domain = "a".repeat(256);
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://" + domain + "/x"))
        .hasMessageStartingWith("PRTC0201E");
    String path = "/" + "p".repeat(2048 - "spiffe://corp.example/".length());
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://corp.example" + path + "x"))
        .hasMessageStartingWith("PRTC0201E");
  }

  @Test
  void acceptsIdsAtTheirLimits() throws PortcullisException {
    assertThat(SpiffeId.parse("spiffe://" + "a".repeat(255)).trustDomain()).hasSize(255);
    String path = "/" + "p".repeat(2048 - "spiffe://corp.example/".length());
    assertThat(SpiffeId.parse("spiffe://corp.example" + path).toString()).hasSize(2048);
  }
}
