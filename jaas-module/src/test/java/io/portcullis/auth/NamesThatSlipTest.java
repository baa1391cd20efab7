package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRule.Match;
import io.portcullis.rules.RoleRules;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustArea;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Names a caller might shape to slip past a rule that names it: subject DNs with line breaks or a
 * different case, and SPIFFE IDs outside the X.509-SVID leaf rules. Each is caught by the rule or
 * refused before any rule, with its own message ID.
 */
class NamesThatSlipTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Slip Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Slip Area");

  private static CertificateAuthenticator authenticator(RoleRule... rules) {
    // An open area (no scope), as an outside CA's would be: only the identity rules hold here.
    TrustArea area = new TrustArea("ops", List.of(ROOT.certificate()), List.of(AREA.certificate()));
    return new CertificateAuthenticator(
        new PkixTrustValidator(List.of(area), Clock.systemUTC()),
        new RoleRules(List.of(rules)),
        false);
  }

  private static Authentication caller(CertificateAuthenticator authenticator, String subject) {
    return authenticator.authenticate(
        AREA.issue(subject)
            .uriSan("spiffe://corp.example/ops/w")
            .clientAuth()
            .issueLeaf()
            .chainArray());
  }

  private static String refusedId(Authentication result) {
    assertThat(result).isInstanceOf(Authentication.Refused.class);
    return ((Authentication.Refused) result).messageId();
  }

  @Test
  void aQuarantineDenyCatchesEverySpellingOfTheQuarantinedUnit() {
    RoleRule glob = RoleRule.deny("quarantine", Attribute.DN_OU, Match.GLOB, "quarantine*");
    RoleRule regex = RoleRule.deny("quarantineRe", Attribute.DN_OU, Match.REGEX, "quarantine.*");
    RoleRule exact = RoleRule.deny("quarantineExact", Attribute.DN_OU, Match.EXACT, "quarantine");
    for (RoleRule rule : List.of(glob, regex)) {
      CertificateAuthenticator authenticator = authenticator(rule);
      assertThat(refusedId(caller(authenticator, "CN=w,OU=quarantine-2026")))
          .as(rule.name())
          .isEqualTo("PRTC0205E");
      assertThat(refusedId(caller(authenticator, "CN=w,OU=QUARANTINE-2026")))
          .as(rule.name() + ", another case")
          .isEqualTo("PRTC0205E");
    }
    assertThat(refusedId(caller(authenticator(exact), "CN=w,OU=Quarantine")))
        .isEqualTo("PRTC0205E");
  }

  @Test
  void aSubjectWithALineBreakIsRefusedBeforeAnyRule() {
    CertificateAuthenticator authenticator =
        authenticator(RoleRule.deny("quarantine", Attribute.DN_OU, Match.GLOB, "quarantine*"));
    for (String brk : List.of("\n", "\r", "\u2028", "\u2029", "\u0085", "\u0000")) {
      Authentication result = caller(authenticator, "CN=w,OU=quarantine" + brk + "2026");
      assertThat(refusedId(result)).as("U+%04X", (int) brk.charAt(0)).isEqualTo("PRTC0211E");
      // The reason goes to the log: the character is shown, never written.
      assertThat(((Authentication.Refused) result).reason())
          .contains(String.format("U+%04X in OU", (int) brk.charAt(0)))
          .doesNotContain(brk);
    }
  }

  @Test
  void patternsMatchAcrossLineTerminators() {
    // Whatever reaches a rule, a glob * and a regex . take every character.
    WorkloadIdentity identity =
        new WorkloadIdentity(
            Optional.empty(),
            List.of(),
            List.of(),
            "OU=quarantine\n2026",
            "ops",
            BigInteger.ONE,
            Instant.EPOCH,
            Instant.EPOCH,
            "00");
    assertThat(
            RoleRule.deny("g", Attribute.SUBJECT_DN, Match.GLOB, "OU=quarantine*")
                .matches(identity))
        .isTrue();
    assertThat(
            RoleRule.deny("r", Attribute.SUBJECT_DN, Match.REGEX, "OU=quarantine.*")
                .matches(identity))
        .isTrue();
  }

  @Test
  void aTrustDomainsOwnIdNamesNoCaller() {
    Authentication result =
        authenticator()
            .authenticate(
                AREA.issue("CN=td")
                    .uriSan("spiffe://corp.example")
                    .clientAuth()
                    .issueLeaf()
                    .chainArray());
    assertThat(refusedId(result)).isEqualTo("PRTC0210E");
  }

  @Test
  void aSpiffeIdBesideAnotherUriIsNoSvid() {
    CertificateAuthenticator authenticator =
        authenticator(
            RoleRule.grant(
                "web", Attribute.URI_SAN, Match.EXACT, "https://admin.corp.example", List.of("a")));
    Authentication result =
        authenticator.authenticate(
            AREA.issue("CN=two")
                .uriSan("spiffe://corp.example/ops/w")
                .uriSan("https://admin.corp.example")
                .clientAuth()
                .issueLeaf()
                .chainArray());
    assertThat(refusedId(result)).isEqualTo("PRTC0209E");
    assertThat(((Authentication.Refused) result).reason()).contains("https://admin.corp.example");
    // A URI that is no SPIFFE ID, alone, is no SVID either: it is read, and matched.
    Authentication web =
        authenticator.authenticate(
            AREA.issue("CN=web")
                .uriSan("https://admin.corp.example")
                .clientAuth()
                .issueLeaf()
                .chainArray());
    assertThat(web).isInstanceOf(Authentication.Authenticated.class);
    assertThat(((Authentication.Authenticated) web).groups()).containsExactly("a");
  }
}
