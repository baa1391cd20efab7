package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerNamesTest {

  @ParameterizedTest
  @CsvSource({
    "api.example.com, api.example.com, true",
    "API.Example.com, api.example.COM, true",
    "api.example.com, api.example.com., true",
    "*.example.com, a.example.com, true",
    "*.example.com, a.b.example.com, false",
    "*.example.com, example.com, false",
    "*.com, example.com, false",
    "a*.example.com, ab.example.com, false",
    "*.*.example.com, a.b.example.com, false",
    "other.example.com, api.example.com, false"
  })
  void dnsNamesMatchAsRfc6125Says(String san, String host, boolean matches) {
    assertThat(PeerNames.dnsMatches(san, host)).isEqualTo(matches);
  }

  @Test
  void emailLocalPartIsExactDomainIsNot() {
    assertThat(PeerNames.emailMatches("ops@Corp.Example", "ops@corp.example")).isTrue();
    assertThat(PeerNames.emailMatches("Ops@corp.example", "ops@corp.example")).isFalse();
    assertThat(PeerNames.emailMatches("corp.example", "ops@corp.example")).isFalse();
  }

  @Test
  void ipLiteralsAreParsedWithoutLookingUpNames() throws Exception {
    assertThat(PeerNames.ipLiteral("10.0.0.7")).contains(InetAddress.getByName("10.0.0.7"));
    assertThat(PeerNames.ipLiteral("::1")).contains(InetAddress.getByName("::1"));
    assertThat(PeerNames.ipLiteral("example.com")).isEmpty();
    assertThat(PeerNames.ipLiteral("localhost")).isEmpty();
    assertThat(PeerNames.ipLiteral(null)).isEmpty();
  }
}
