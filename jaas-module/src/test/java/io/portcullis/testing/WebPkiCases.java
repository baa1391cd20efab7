package io.portcullis.testing;

import io.portcullis.trust.PublicSuffixes;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The web PKI profile's rules, one case each, shared by the trust core's test and the {@code verify
 * --batch --web-pki} test: a root, its intermediates and a server leaf, the ID the web PKI profile
 * gives it and the ID the standards alone give it (empty: accepted). Every refusal of the profile
 * is a case the standards accept, so the profile is seen to be what refuses it.
 */
public final class WebPkiCases {
  public static final String ACCEPT = "";
  public static final String WEB_PROFILE = "PRTC0161E";
  public static final String WILDCARD_OVER_SUFFIX = "PRTC0162E";

  /** An internationalised suffix of two labels, as the list writes it. */
  private static final String KYIV_UA = "\u043a\u0438\u0457\u0432.ua";

  /** The rules the cases are read against: a few real shapes of the public suffix list. */
  public static final List<String> SUFFIX_LIST =
      List.of(
          "// a comment",
          "com",
          "uk",
          "co.uk",
          "*.ck",
          "!www.ck",
          "// the list names internationalised suffixes in Unicode",
          KYIV_UA);

  private static final TestPki.Ca ROOT = TestPki.root("CN=Web Root");
  private static final TestPki.Ca CA = ROOT.intermediate("CN=Web Issuing CA");

  private WebPkiCases() {}

  /** The suffixes of {@link #SUFFIX_LIST}. */
  public static PublicSuffixes suffixes() {
    return PublicSuffixes.parse(SUFFIX_LIST);
  }

  /**
   * One case: a server chain to {@code anchor}, what the web PKI profile and the standards say.
   *
   * @param name what the case is about
   * @param anchor the root
   * @param intermediates the CA certificates between the leaf and the root
   * @param leaf the server certificate
   * @param webId the ID under the web PKI profile; {@link #ACCEPT} when it passes
   * @param standardsId the ID under the standards alone
   */
  public record Case(
      String name,
      X509Certificate anchor,
      List<X509Certificate> intermediates,
      X509Certificate leaf,
      String webId,
      String standardsId) {
    @Override
    public String toString() {
      return name + " (web " + webId + ", standards " + standardsId + ")";
    }
  }

  public static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    leaf(
        cases,
        "a common name among the DNS names, in another case",
        ACCEPT,
        "CN=WWW.Example.com",
        b -> b.dnsSan("www.example.com").serverAuth());
    leaf(
        cases,
        "no common name at all",
        ACCEPT,
        "O=Example",
        b -> b.dnsSan("www.example.com").serverAuth());
    leaf(
        cases,
        "a common name that is none of the DNS names",
        WEB_PROFILE,
        "CN=www.example.com",
        b -> b.dnsSan("api.example.com").serverAuth());
    leaf(
        cases,
        "an IPv4 common name among the IP addresses",
        ACCEPT,
        "CN=192.0.2.7",
        b -> b.ipSan("192.0.2.7").serverAuth());
    leaf(
        cases,
        "an IPv6 common name written short",
        ACCEPT,
        "CN=2001:db8::1",
        b -> b.ipSan("2001:db8:0:0:0:0:0:1").serverAuth());
    leaf(
        cases,
        "an IP common name only among the DNS names' text",
        WEB_PROFILE,
        "CN=192.0.2.8",
        b -> b.dnsSan("www.example.com").ipSan("192.0.2.7").serverAuth());
    leaf(
        cases,
        "no extended key usage",
        WEB_PROFILE,
        "CN=www.example.com",
        b -> b.dnsSan("www.example.com").withoutEku());
    leaf(
        cases,
        "a critical extended key usage",
        WEB_PROFILE,
        "CN=www.example.com",
        b -> b.dnsSan("www.example.com").serverAuth().ekuCritical(true));
    leaf(
        cases,
        "anyExtendedKeyUsage beside serverAuth",
        WEB_PROFILE,
        "CN=www.example.com",
        b -> b.dnsSan("www.example.com").serverAuth().anyEku());
    leaf(
        cases,
        "a wildcard over a suffix of two labels",
        WILDCARD_OVER_SUFFIX,
        "O=Example",
        b -> b.dnsSan("*.co.uk").serverAuth());
    cases.add(
        leafCase(
            "a wildcard over a top-level suffix: a syntax error in every mode",
            ProfileCases.DNS_SYNTAX,
            ProfileCases.DNS_SYNTAX,
            "O=Example",
            b -> b.dnsSan("*.com").serverAuth()));
    leaf(
        cases,
        "a wildcard over a suffix a wildcard rule makes",
        WILDCARD_OVER_SUFFIX,
        "O=Example",
        b -> b.dnsSan("*.shop.ck").serverAuth());
    leaf(
        cases,
        "a wildcard over a name an exception rule frees",
        ACCEPT,
        "O=Example",
        b -> b.dnsSan("*.www.ck").serverAuth());
    leaf(
        cases,
        "a wildcard over a registered domain",
        ACCEPT,
        "O=Example",
        b -> b.dnsSan("*.example.co.uk").serverAuth());
    leaf(
        cases,
        "a wildcard over an internationalised suffix",
        WILDCARD_OVER_SUFFIX,
        "O=Example",
        b -> b.dnsSan("*." + java.net.IDN.toASCII(KYIV_UA)).serverAuth());

    TestPki.Ca ekuRoot =
        TestPki.root("CN=Web Root with EKU", TestPki.ecKeyPair(), b -> b.serverAuth());
    chain(cases, "a root with an extended key usage", WEB_PROFILE, ACCEPT, ekuRoot);
    TestPki.Ca issuerSerialRoot =
        TestPki.root(
            "CN=Web Root naming its issuer and serial",
            TestPki.ecKeyPair(),
            b ->
                b.extension(
                    "2.5.29.35",
                    false,
                    new AuthorityKeyIdentifier(
                        new byte[] {1, 2, 3, 4},
                        new GeneralNames(
                            new GeneralName(
                                new X500Name("CN=Web Root naming its issuer and serial"))),
                        BigInteger.TEN)));
    chain(
        cases,
        "a root's key identifier with issuer and serial",
        WEB_PROFILE,
        ACCEPT,
        issuerSerialRoot);
    TestPki.Ca keyIdRoot =
        TestPki.root(
            "CN=Web Root naming its key",
            TestPki.ecKeyPair(),
            b -> b.extension("2.5.29.35", false, new AuthorityKeyIdentifier(new byte[] {5, 6})));
    chain(cases, "a root's key identifier of a key identifier only", ACCEPT, ACCEPT, keyIdRoot);

    TestPki.Ca constrained =
        ROOT.intermediate(
            "CN=Web CA constrained without criticality",
            TestPki.ecKeyPair(),
            b -> b.permittedDns("example.com").nameConstraintsCritical(false));
    cases.add(
        new Case(
            "non-critical name constraints the leaf is inside",
            ROOT.certificate(),
            List.of(constrained.certificate()),
            constrained.issue("O=Example").dnsSan("www.example.com").serverAuth().build(),
            ACCEPT,
            ProfileCases.EXTENSION_PROFILE));
    cases.add(
        new Case(
            "non-critical name constraints the leaf is outside",
            ROOT.certificate(),
            List.of(constrained.certificate()),
            constrained.issue("O=Example").dnsSan("www.example.org").serverAuth().build(),
            ProfileCases.NAME_CONSTRAINT,
            ProfileCases.NAME_CONSTRAINT));
    return cases;
  }

  private static void leaf(
      List<Case> cases,
      String name,
      String webId,
      String subject,
      java.util.function.Consumer<TestPki.CertBuilder> shape) {
    cases.add(leafCase(name, webId, ACCEPT, subject, shape));
  }

  private static Case leafCase(
      String name,
      String webId,
      String standardsId,
      String subject,
      java.util.function.Consumer<TestPki.CertBuilder> shape) {
    TestPki.CertBuilder builder = CA.issue(subject);
    shape.accept(builder);
    return new Case(
        name,
        ROOT.certificate(),
        List.of(CA.certificate()),
        builder.lenient().build(),
        webId,
        standardsId);
  }

  private static void chain(
      List<Case> cases, String name, String webId, String standardsId, TestPki.Ca root) {
    TestPki.Ca ca = root.intermediate("CN=Issuing CA under " + name);
    cases.add(
        new Case(
            name,
            root.certificate(),
            List.of(ca.certificate()),
            ca.issue("O=Example").dnsSan("www.example.com").serverAuth().build(),
            webId,
            standardsId));
  }
}
