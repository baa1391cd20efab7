package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.Decisions;
import io.portcullis.testing.WebPkiCases;
import io.portcullis.testing.WebPkiCases.Case;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web PKI profile refuses what the CA/Browser Forum rules refuse and the standards accept, and
 * applies only when asked for: no policy a server builds carries it.
 */
class WebPkiProfileTest {
  @TempDir Path dir;

  private static String id(TrustPolicy policy, Case c) {
    List<java.security.cert.X509Certificate> chain = new ArrayList<>();
    chain.add(c.leaf());
    chain.addAll(c.intermediates());
    TrustArea area = new TrustArea("web", List.of(c.anchor()), List.of(), policy, Revocation.off());
    TrustDecision decision =
        new PkixTrustValidator(List.of(area), Clock.systemUTC()).validate(chain, Purpose.SERVER);
    return decision.accepted() ? WebPkiCases.ACCEPT : Decisions.id(decision);
  }

  @Test
  void eachRuleGivesItsIdUnderTheProfileAndTheStandardsAloneAcceptWhatItRefuses() {
    TrustPolicy web = TrustPolicy.standards().withWebPki(WebPkiCases.suffixes());
    List<String> wrong = new ArrayList<>();
    for (Case c : WebPkiCases.cases()) {
      String underWeb = id(web, c);
      String underStandards = id(TrustPolicy.standards(), c);
      if (!underWeb.equals(c.webId()) || !underStandards.equals(c.standardsId())) {
        wrong.add(c + " but got web " + underWeb + ", standards " + underStandards);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void noPolicyAServerBuildsCarriesTheProfile() {
    assertThat(TrustPolicy.defaults().webPki()).isNull();
    assertThat(TrustPolicy.standards().webPki()).isNull();
    assertThat(TrustPolicy.defaults().withWebPki(WebPkiCases.suffixes()).withWebPki(null))
        .isEqualTo(TrustPolicy.defaults());
  }

  @Test
  void publicSuffixesFollowTheListsRules() {
    PublicSuffixes suffixes = WebPkiCases.suffixes();
    assertThat(suffixes.isPublicSuffix("co.uk")).isTrue();
    assertThat(suffixes.isPublicSuffix("CO.UK.")).as("any case, a final dot").isTrue();
    assertThat(suffixes.isPublicSuffix("example.co.uk")).isFalse();
    assertThat(suffixes.isPublicSuffix("anything.ck")).as("a wildcard rule").isTrue();
    assertThat(suffixes.isPublicSuffix("www.ck")).as("its exception").isFalse();
    assertThat(suffixes.isPublicSuffix("a.b.ck")).isFalse();
    assertThat(suffixes.isPublicSuffix("unlisted")).as("the implicit * rule").isTrue();
    assertThat(suffixes.isPublicSuffix("example.unlisted")).isFalse();
    assertThat(suffixes.isPublicSuffix("\u043a\u0438\u0457\u0432.ua")).isTrue();
    assertThat(suffixes.isPublicSuffix(java.net.IDN.toASCII("\u043a\u0438\u0457\u0432.ua")))
        .as("the A-label a certificate carries")
        .isTrue();
    assertThat(suffixes.isPublicSuffix("ua")).as("not listed, one label").isTrue();
    assertThat(suffixes.isPublicSuffix("")).isFalse();
  }

  @Test
  void aListThatCannotBeReadStopsTheProfileWithItsId() throws Exception {
    assertThatThrownBy(() -> PublicSuffixes.read(dir.resolve("missing.dat")))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0163E");
    Path onlyComments = Files.writeString(dir.resolve("comments.dat"), "// nothing\n\n");
    assertThatThrownBy(() -> PublicSuffixes.read(onlyComments))
        .hasMessageStartingWith("PRTC0163E")
        .hasMessageContaining("no rule");
    Path list = Files.write(dir.resolve("list.dat"), WebPkiCases.SUFFIX_LIST);
    assertThat(PublicSuffixes.read(list)).isEqualTo(WebPkiCases.suffixes());
  }

  @Test
  void theSystemListIsReadWhereTheTestCommandInstallsIt() throws Exception {
    PublicSuffixes system = PublicSuffixes.read(PublicSuffixes.SYSTEM_LIST);
    assertThat(system.isPublicSuffix("com")).isTrue();
    assertThat(system.isPublicSuffix("co.uk")).isTrue();
    assertThat(system.isPublicSuffix("example.com")).isFalse();
  }
}
