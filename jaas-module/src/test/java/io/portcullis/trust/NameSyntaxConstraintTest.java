package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Decisions;
import io.portcullis.testing.NameConstraintCases;
import io.portcullis.testing.NameConstraintCases.Case;
import io.portcullis.testing.NameConstraintCases.Kind;
import io.portcullis.testing.NameConstraintCases.Where;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trust core against {@link NameConstraintCases}: intermediate constraints checked by the JDK,
 * the root's own by Bouncy Castle, and names outside RFC 5280's syntax refused before either.
 */
class NameSyntaxConstraintTest {

  static Stream<Case> cases() {
    return NameConstraintCases.cases();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void namesMeetSyntaxThenConstraints(Case c) {
    NameConstraintCases.Fixture pki = NameConstraintCases.build(c);
    PkixTrustValidator validator =
        new PkixTrustValidator(
            List.of(new TrustArea("names", List.of(pki.root()), List.of())), Clock.systemUTC());

    TrustDecision decision =
        validator.validate(List.of(pki.leaf(), pki.intermediate()), Purpose.CLIENT);

    if (c.id().isEmpty()) {
      assertThat(decision.accepted()).as(decision.explain()).isTrue();
    } else {
      assertThat(decision.accepted()).as("accepted").isFalse();
      assertThat(Decisions.id(decision)).as(decision.explain()).isEqualTo(c.id());
      if (!c.id().equals(NameConstraintCases.CONSTRAINT)) {
        assertThat(decision.explain()).contains(NameSyntax.quote(c.san()));
      }
    }
  }

  /**
   * Hostile names and hostile constraints, generated from a fixed seed: whatever the JDK's or
   * Bouncy Castle's constraint code makes of them, the answer is a refusal with a specific ID or an
   * acceptance of a name in syntax, never an unexpected error (PRTC0135E).
   */
  @Test
  void noNameOrConstraintMakesValidationFailUnexpectedly() {
    String[] pieces = {
      "corp", "example", ".", "..", "@", ":", "[", "]", "::1", "%2e", "\u0000", "\u00e9", "*", "-",
      "_", "//", "/", "?", "#", "443", "CORP", "xn--e1a"
    };
    java.util.Random random = new java.util.Random(20261203L);
    int[] tags = {
      GeneralName.dNSName, GeneralName.rfc822Name, GeneralName.uniformResourceIdentifier
    };
    List<String> unexpected = new ArrayList<>();
    int validated = 0;
    for (int n = 0; n < 150; n++) {
      int tag = tags[random.nextInt(tags.length)];
      String subtree = hostile(random, pieces, 1 + random.nextInt(4));
      String name =
          (tag == GeneralName.uniformResourceIdentifier ? "spiffe://" : "")
              + (tag == GeneralName.rfc822Name ? "ops@" : "")
              + hostile(random, pieces, 1 + random.nextInt(5));
      Case c =
          new Case(
              random.nextBoolean() ? Where.INTERMEDIATE : Where.ANCHOR,
              random.nextBoolean() ? Kind.PERMITTED : Kind.EXCLUDED,
              tag,
              subtree,
              tag,
              name,
              "");
      NameConstraintCases.Fixture pki;
      try {
        pki = NameConstraintCases.build(c);
      } catch (IllegalStateException neitherParserReadsIt) {
        continue; // a certificate no parser reads never reaches the trust core
      }
      TrustDecision decision =
          new PkixTrustValidator(
                  List.of(new TrustArea("names", List.of(pki.root()), List.of())),
                  Clock.systemUTC())
              .validate(List.of(pki.leaf(), pki.intermediate()), Purpose.CLIENT);
      validated++;
      if (Decisions.id(decision).equals("PRTC0135E")) {
        unexpected.add(c + ": " + decision.explain());
      }
    }
    assertThat(unexpected).isEmpty();
    assertThat(validated).as("cases that reached the trust core").isGreaterThan(100);
  }

  private static String hostile(java.util.Random random, String[] pieces, int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append(pieces[random.nextInt(pieces.length)]);
    }
    return out.toString();
  }
}
