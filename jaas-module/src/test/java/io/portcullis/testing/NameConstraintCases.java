package io.portcullis.testing;

import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * Names against name constraints (RFC 5280 4.2.1.6 and 4.2.1.10), shared by the trust core's test
 * and the {@code verify --batch} test. Each case is a root, a constrained CA (the area's
 * intermediate or, with {@code ANCHOR}, the root itself) and a client leaf with one subject
 * alternative name, and the message ID expected: names outside RFC 5280's syntax are refused by
 * their own ID before any constraint engine sees them; names in it meet the constraints
 * case-insensitively on hosts.
 */
public final class NameConstraintCases {
  public static final String ACCEPT = "";
  public static final String CONSTRAINT = "PRTC0117E";
  public static final String DNS = "PRTC0138E";
  public static final String EMAIL = "PRTC0139E";
  public static final String URI = "PRTC0140E";
  public static final String URI_HOST = "PRTC0141E";

  private NameConstraintCases() {}

  /** Which certificate carries the name constraints. */
  public enum Where {
    INTERMEDIATE,
    ANCHOR
  }

  /** Whether the subtree is permitted or excluded. */
  public enum Kind {
    PERMITTED,
    EXCLUDED
  }

  /** One case: the constraint, the leaf's name and the expected ID (empty: accepted). */
  public record Case(
      Where where, Kind kind, int tag, String subtree, int sanTag, String san, String id) {
    @Override
    public String toString() {
      return where
          + " "
          + kind
          + " "
          + tagName(tag)
          + ":"
          + subtree
          + " / "
          + tagName(sanTag)
          + ":"
          + printable(san)
          + " -> "
          + (id.isEmpty() ? "ACCEPT" : id);
    }
  }

  /**
   * The certificates of one case. {@code leaf} is read by the JDK where it can parse it and by
   * Bouncy Castle's provider where it cannot (a URI host with a trailing dot); {@code leafDer} is
   * the encoding either way.
   */
  public record Fixture(
      X509Certificate root, X509Certificate intermediate, X509Certificate leaf, byte[] leafDer) {}

  public static Stream<Case> cases() {
    int dns = GeneralName.dNSName;
    int mail = GeneralName.rfc822Name;
    int uri = GeneralName.uniformResourceIdentifier;
    Where i = Where.INTERMEDIATE;
    Where a = Where.ANCHOR;
    Kind p = Kind.PERMITTED;
    Kind x = Kind.EXCLUDED;
    return Stream.of(
        // DNS names under an excluded subtree: trailing dots were the bypass
        new Case(i, x, dns, "corp.example", dns, "api.corp.example", CONSTRAINT),
        new Case(i, x, dns, "corp.example", dns, "api.corp.example.", DNS),
        new Case(i, x, dns, "corp.example", dns, "api.corp.example..", DNS),
        new Case(i, x, dns, "corp.example", dns, "api.corp.example...", DNS),
        new Case(i, x, dns, "corp.example", dns, "API.CORP.EXAMPLE", CONSTRAINT),
        new Case(i, x, dns, "corp.example", dns, "api\u0000.corp.example", DNS),
        new Case(i, x, dns, "corp.example", dns, "api..corp.example", DNS),
        new Case(i, x, dns, "corp.example", dns, "api_x.corp.example", DNS),
        new Case(i, x, dns, "corp.example", dns, "api.other.example", ACCEPT),
        // DNS names under a permitted subtree
        new Case(i, p, dns, "corp.example", dns, "api.corp.example", ACCEPT),
        new Case(i, p, dns, "corp.example", dns, "API.Corp.EXAMPLE", ACCEPT),
        new Case(i, p, dns, "corp.example", dns, "*.corp.example", ACCEPT),
        new Case(i, p, dns, "corp.example", dns, "*.other.example", CONSTRAINT),
        new Case(i, p, dns, "corp.example", dns, "api.corp.example.", DNS),
        new Case(i, p, dns, "corp.example", dns, "evil.example", CONSTRAINT),
        new Case(i, p, dns, "corp.example", dns, "*.example", DNS),
        new Case(i, p, dns, "corp.example", dns, "a.*.corp.example", DNS),
        // e-mail addresses
        new Case(i, x, mail, "corp.example", mail, "ops@corp.example", CONSTRAINT),
        new Case(i, x, mail, "corp.example", mail, "ops@corp.example.", EMAIL),
        new Case(i, x, mail, "corp.example", mail, "ops@corp.example..", EMAIL),
        new Case(i, x, mail, "corp.example", mail, "ops@corp.example...", EMAIL),
        new Case(i, x, mail, "corp.example", mail, "ops@CORP.EXAMPLE", CONSTRAINT),
        new Case(i, x, mail, "corp.example", mail, "ops\u0000@corp.example", EMAIL),
        new Case(i, x, mail, "corp.example", mail, "ops@corp\u0000.example", EMAIL),
        new Case(i, x, mail, "corp.example", mail, "ops@evil@corp.example", EMAIL),
        new Case(i, x, mail, "corp.example", mail, "ops@other.example", ACCEPT),
        new Case(i, p, mail, "corp.example", mail, "ops@corp.example", ACCEPT),
        new Case(i, p, mail, "corp.example", mail, "ops@Corp.Example", ACCEPT),
        new Case(i, p, mail, "corp.example", mail, "ops@evil.example", CONSTRAINT),
        new Case(i, p, mail, "corp.example", mail, "ops@corp.example.", EMAIL),
        // URIs under an excluded host
        new Case(i, x, uri, "corp.example", uri, "spiffe://corp.example/a", CONSTRAINT),
        new Case(i, x, uri, "corp.example", uri, "spiffe://corp.example./a", URI),
        new Case(i, x, uri, "corp.example", uri, "spiffe://corp.example../a", URI),
        new Case(i, x, uri, "corp.example", uri, "spiffe://corp.example.../a", URI),
        new Case(i, x, uri, "corp.example", uri, "spiffe://CORP.EXAMPLE/a", CONSTRAINT),
        new Case(i, x, uri, "corp.example", uri, "spiffe://corp\u0000.example/a", URI),
        new Case(i, x, uri, "corp.example", uri, "https://admin@corp.example/a", URI),
        new Case(i, x, uri, "corp.example", uri, "https://corp.example:8443/a", CONSTRAINT),
        new Case(i, x, uri, "corp.example", uri, "https://corp.example:84x3/a", URI),
        new Case(i, x, uri, "corp.example", uri, "spiffe://other.example/a", ACCEPT),
        new Case(i, x, uri, "corp.example", uri, "urn:uuid:6e8bc430-9c3a-11d9-9669", URI_HOST),
        // URIs under a permitted host or domain
        new Case(i, p, uri, "corp.example", uri, "spiffe://corp.example/a", ACCEPT),
        new Case(i, p, uri, "corp.example", uri, "https://corp.example:8443/a", ACCEPT),
        new Case(i, p, uri, "corp.example", uri, "spiffe://Corp.Example/a", ACCEPT),
        new Case(i, p, uri, "corp.example", uri, "spiffe://corp.example./a", URI),
        new Case(i, p, uri, "corp.example", uri, "spiffe://evil.example/a", CONSTRAINT),
        new Case(i, p, uri, "corp.example", uri, "https://10.0.0.1/a", URI_HOST),
        new Case(i, p, uri, "corp.example", uri, "https://[::1]/a", URI_HOST),
        new Case(i, p, uri, "corp.example", uri, "https://corp_x.example/a", URI_HOST),
        new Case(i, p, uri, ".corp.example", uri, "spiffe://pay.corp.example/a", ACCEPT),
        new Case(i, p, uri, ".corp.example", uri, "spiffe://pay.corp.example../a", URI),
        new Case(i, p, uri, "corp.example", uri, "corp.example/a", URI),
        // the root's own constraints, checked with Bouncy Castle
        new Case(a, x, dns, "corp.example", dns, "api.corp.example", CONSTRAINT),
        new Case(a, x, dns, "corp.example", dns, "api.corp.example.", DNS),
        new Case(a, x, dns, "corp.example", dns, "API.CORP.EXAMPLE", CONSTRAINT),
        new Case(a, p, dns, "corp.example", dns, "API.CORP.EXAMPLE", ACCEPT),
        new Case(a, x, mail, "corp.example", mail, "ops@corp.example..", EMAIL),
        new Case(a, x, mail, "corp.example", mail, "ops@CORP.example", CONSTRAINT),
        new Case(a, x, uri, "corp.example", uri, "spiffe://corp.example../a", URI),
        new Case(a, x, uri, "corp.example", uri, "spiffe://CORP.EXAMPLE/a", CONSTRAINT),
        new Case(a, p, uri, "corp.example", uri, "spiffe://CORP.EXAMPLE/a", ACCEPT),
        new Case(a, p, uri, "corp.example", uri, "urn:uuid:6e8bc430-9c3a-11d9-9669", URI_HOST));
  }

  /** Builds the root, the constrained CA and the leaf of {@code c}. */
  public static Fixture build(Case c) {
    TestPki.Ca root =
        TestPki.root(
            "CN=Names Root",
            TestPki.ecKeyPair(),
            b -> {
              if (c.where() == Where.ANCHOR) {
                constrain(b, c);
              }
            });
    TestPki.Ca area =
        root.intermediate(
            "CN=Names Area",
            TestPki.ecKeyPair(),
            b -> {
              if (c.where() == Where.INTERMEDIATE) {
                constrain(b, c);
              }
            });
    TestPki.CertBuilder builder = area.issue("CN=names-leaf").clientAuth();
    switch (c.sanTag()) {
      case GeneralName.dNSName -> builder.dnsSan(c.san());
      case GeneralName.rfc822Name -> builder.emailSan(c.san());
      default -> builder.uriSan(c.san());
    }
    byte[] der = builder.encoded();
    X509Certificate leaf = TestPki.certificateOrLenient(der);
    return new Fixture(root.certificate(), area.certificate(), leaf, der);
  }

  private static void constrain(TestPki.CertBuilder builder, Case c) {
    builder.lenient();
    if (c.kind() == Kind.PERMITTED) {
      builder.permitted(c.tag(), c.subtree());
    } else {
      builder.excluded(c.tag(), c.subtree());
    }
  }

  private static String tagName(int tag) {
    return switch (tag) {
      case GeneralName.dNSName -> "dns";
      case GeneralName.rfc822Name -> "email";
      default -> "uri";
    };
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    for (char c : name.toCharArray()) {
      out.append(
          c < 0x20 || c >= 0x7f
              ? String.format(Locale.ROOT, "\\x%02X", (int) c)
              : String.valueOf(c));
    }
    return out.toString();
  }
}
