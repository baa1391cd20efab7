package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.Authentication;
import io.portcullis.messages.PortcullisException;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");

  @TempDir Path dir;

  private Map<String, String> base() throws Exception {
    Files.writeString(dir.resolve("root.pem"), TestPki.pem(ROOT.certificate()));
    Files.writeString(dir.resolve("area.pem"), TestPki.pem(AREA.certificate()));
    Map<String, String> p = new HashMap<>();
    p.put("portcullis.area.payments.anchors", "root.pem");
    p.put("portcullis.area.payments.intermediates", "area.pem");
    return p;
  }

  private PortcullisConfig parse(Map<String, String> p) throws PortcullisException {
    return ConfigParser.parse(p, dir, Clock.systemUTC());
  }

  @Test
  void theRefusalLogIntervalIsAMinuteUnlessSetAndNeverUnderASecond() throws Exception {
    assertThat(parse(base()).refusalLogInterval()).isEqualTo(Duration.ofSeconds(60));
    Map<String, String> p = base();
    p.put("portcullis.refusal.log.interval", "5m");
    assertThat(parse(p).refusalLogInterval()).isEqualTo(Duration.ofMinutes(5));
    p.put("portcullis.refusal.log.interval", "0s");
    assertThatThrownBy(() -> parse(p))
        .hasMessageStartingWith("PRTC0701E")
        .hasMessageContaining("refusal.log.interval");
  }

  @Test
  void areasPolicyAndRules() throws Exception {
    Map<String, String> p = base();
    p.put("portcullis.policy.maxLeafLifetime", "30d");
    p.put("portcullis.area.payments.minRsaBits", "3072");
    p.put("portcullis.area.payments.signatureAlgorithms", "SHA256withECDSA, SHA384withECDSA");
    p.put("portcullis.area.payments.maxChainDepth", "3");
    p.put("portcullis.rule.pool.attribute", "dnsSan");
    p.put("portcullis.rule.pool.match", "glob");
    p.put("portcullis.rule.pool.pattern", "*.pool.payments.svc");
    p.put("portcullis.rule.pool.groups", "backend, reader");
    p.put("portcullis.rule.legacy.attribute", "uriSan");
    p.put("portcullis.rule.legacy.pattern", "spiffe://corp/legacy");
    p.put("portcullis.rule.legacy.effect", "deny");
    p.put("portcullis.unmatched", "refuse");
    p.put("mp.other.key", "ignored");
    p.put("portcullis.keySource.type", "pkcs11");
    PortcullisConfig config = parse(p);
    TrustArea area = config.areas().get(0);
    assertThat(area.name()).isEqualTo("payments");
    assertThat(area.intermediates()).containsExactly(AREA.certificate());
    assertThat(area.policy().maxLeafLifetime()).isEqualTo(Duration.ofDays(30));
    assertThat(area.policy().minRsaBits()).isEqualTo(3072);
    assertThat(area.policy().minEcBits()).isEqualTo(256);
    assertThat(area.policy().allowedSignatureAlgorithms())
        .containsExactlyInAnyOrder("SHA256WITHECDSA", "SHA384WITHECDSA");
    assertThat(area.policy().maxChainDepth()).isEqualTo(3);
    assertThat(config.refuseUnmatched()).isTrue();
    assertThat(config.rules().rules()).extracting(RoleRule::name).containsExactly("legacy", "pool");
    RoleRule pool = config.rules().rules().get(1);
    assertThat(pool.attribute()).isEqualTo(Attribute.DNS_SAN);
    assertThat(pool.match()).isEqualTo(RoleRule.Match.GLOB);
    assertThat(pool.groups()).containsExactly("backend", "reader");

    Authentication result =
        config
            .newAuthenticator(Clock.systemUTC())
            .authenticate(
                AREA.issue("CN=b")
                    .dnsSan("b1.pool.payments.svc")
                    .clientAuth()
                    .issueLeaf()
                    .chainArray());
    assertThat(result).isInstanceOf(Authentication.Authenticated.class);
    assertThat(((Authentication.Authenticated) result).groups())
        .containsExactlyInAnyOrder("backend", "reader");
    Authentication denied =
        config
            .newAuthenticator(Clock.systemUTC())
            .authenticate(
                AREA.issue("CN=l")
                    .uriSan("spiffe://corp/legacy")
                    .dnsSan("l.pool.payments.svc")
                    .clientAuth()
                    .issueLeaf()
                    .chainArray());
    assertThat(denied).isInstanceOf(Authentication.Refused.class);
    assertThat(((Authentication.Refused) denied).messageId()).isEqualTo("PRTC0205E");
    assertThat(((Authentication.Refused) denied).forbidden()).isTrue();
  }

  @Test
  void ruleOrderAndDisabling() throws Exception {
    Map<String, String> p = base();
    p.put("portcullis.rule.b.attribute", "area");
    p.put("portcullis.rule.b.pattern", "payments");
    p.put("portcullis.rule.b.order", "-1");
    p.put("portcullis.rule.a.attribute", "area");
    p.put("portcullis.rule.a.pattern", "payments");
    p.put("portcullis.rule.c.attribute", "area");
    p.put("portcullis.rule.c.pattern", "payments");
    p.put("portcullis.rule.c.enabled", "false");
    assertThat(parse(p).rules().rules()).extracting(RoleRule::name).containsExactly("b", "a");
  }

  @Test
  void revocationAndDenyList() throws Exception {
    Map<String, String> p = base();
    Files.writeString(dir.resolve("area.crl"), TestPki.pem(AREA.crl()));
    Files.writeString(dir.resolve("deny.txt"), "serial:ff\n");
    p.put("portcullis.area.payments.crl", "area.crl");
    p.put("portcullis.area.payments.revocation", "soft-fail");
    p.put("portcullis.area.payments.crl.refresh", "PT30M");
    p.put("portcullis.denyList.file", "deny.txt");
    p.put("portcullis.denyList.entries", "serial:0a");
    PortcullisConfig config = parse(p);
    assertThat(config.areas().get(0).revocation().mode()).isEqualTo(RevocationMode.SOFT_FAIL);
    assertThat(config.areas().get(0).revocation().crls().crls()).hasSize(1);
    assertThat(config.denyListFile()).contains(dir.resolve("deny.txt"));
    assertThat(config.denyList().size()).isEqualTo(1);
  }

  @Test
  void badValuesNameTheProperty() throws Exception {
    assertError(
        Map.of("portcullis.area.x.intermediates", "a.pem"),
        "PRTC0702E",
        "portcullis.area.x.anchors");
    assertError(
        with("portcullis.area.payments.maxLeafLifetime", "ninety days"),
        "PRTC0701E",
        "maxLeafLifetime");
    assertError(with("portcullis.area.payments.minRsaBits", "lots"), "PRTC0701E", "minRsaBits");
    assertError(with("portcullis.area.payments.requireEku", "yes"), "PRTC0701E", "requireEku");
    assertError(with("portcullis.area.payments.maxLifetime", "30d"), "PRTC0705E", "maxLifetime");
    assertError(with("portcullis.area.payments.revocation", "maybe"), "PRTC0701E", "revocation");
    assertError(with("portcullis.area.payments.revocation", "hard-fail"), "PRTC0702E", "crl");
    assertError(
        with("portcullis.area.payments.anchors", "missing.pem"), "PRTC0703E", "missing.pem");
    assertError(with("portcullis.unmatched", "sometimes"), "PRTC0701E", "unmatched");
    assertError(with("portcullis.denyList.entries", "serial:zz"), "PRTC0701E", "denyList");
    assertError(with("portcullis.policy.colour", "red"), "PRTC0705E", "colour");
    Map<String, String> rule = base();
    rule.put("portcullis.rule.r.attribute", "shoeSize");
    rule.put("portcullis.rule.r.pattern", "9");
    assertError(rule, "PRTC0206E", "shoeSize");
    rule.put("portcullis.rule.r.attribute", "uriSan");
    rule.put("portcullis.rule.r.match", "regex");
    rule.put("portcullis.rule.r.pattern", "(");
    assertError(rule, "PRTC0206E", "regular expression");
    rule.put("portcullis.rule.r.match", "fuzzy");
    assertError(rule, "PRTC0206E", "r");
    rule.remove("portcullis.rule.r.pattern");
    assertError(rule, "PRTC0702E", "portcullis.rule.r.pattern");
  }

  @Test
  void serverXmlFlattensToTheSameKeys() throws Exception {
    Files.writeString(dir.resolve("root.pem"), TestPki.pem(ROOT.certificate()));
    Path xml = dir.resolve("server.xml");
    Files.writeString(
        xml,
        """
        <server>
          <featureManager><feature>usr:portcullis-1.0</feature></featureManager>
          <usr_portcullis unmatched="refuse" realm="corp" cacheSize="500"
                          excludedContextRoots="/own-module">
            <trustArea name="payments" anchors="root.pem" maxLeafLifetime="30d" crlRefresh="2h"/>
            <roleRule name="readers" attribute="uriSan" match="glob" pattern="spiffe://corp/*" groups="reader"/>
            <policy minEcBits="384"/>
            <keySource name="server" type="pkcs11" pinEnv="PIN"/>
          </usr_portcullis>
        </server>
        """);
    Map<String, String> flat = ServerXmlFlattener.flatten(xml);
    assertThat(flat)
        .containsEntry("portcullis.unmatched", "refuse")
        .containsEntry("portcullis.area.payments.anchors", "root.pem")
        .containsEntry("portcullis.area.payments.crl.refresh", "2h")
        .containsEntry("portcullis.rule.readers.groups", "reader")
        .containsEntry("portcullis.policy.minEcBits", "384")
        .containsEntry("portcullis.cache.size", "500")
        .doesNotContainKey("portcullis.area.payments.name")
        .doesNotContainKey("portcullis.realm")
        .doesNotContainKey("portcullis.excludedContextRoots");
    PortcullisConfig config = ConfigParser.parse(flat, dir, Clock.systemUTC());
    assertThat(config.areas().get(0).policy().minEcBits()).isEqualTo(384);
    Files.writeString(
        xml, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><server>&e;</server>");
    assertThatThrownBy(() -> ServerXmlFlattener.flatten(xml)).hasMessageStartingWith("PRTC0706E");
  }

  @Test
  void serverXmlIncludesAndVariablesAreFollowedAsLibertyDoes() throws Exception {
    Path pki = Files.createDirectories(dir.resolve("resources/security"));
    Files.writeString(pki.resolve("root.pem"), TestPki.pem(ROOT.certificate()));
    Files.writeString(
        dir.resolve("identity.xml"),
        """
        <server>
          <usr_portcullis>
            <trustArea name="dev" anchors="${pki.dir}/root.pem"/>
            <roleRule name="ops" attribute="dn.OU" pattern="ops" groups="admin"/>
          </usr_portcullis>
        </server>
        """);
    Path xml = dir.resolve("server.xml");
    Files.writeString(
        xml,
        """
        <server>
          <variable name="pki.dir" value="${server.config.dir}/resources/security"/>
          <include location="identity.xml"/>
          <include location="absent.xml" optional="true"/>
        </server>
        """);
    Map<String, String> flat = ServerXmlFlattener.flatten(xml);
    assertThat(flat)
        .containsEntry(
            "portcullis.area.dev.anchors", pki.resolve("root.pem").toAbsolutePath().toString());
    assertThat(ConfigParser.parse(flat, dir, Clock.systemUTC()).areas()).hasSize(1);

    Files.writeString(xml, "<server><include location=\"missing.xml\"/></server>");
    assertThatThrownBy(() -> ServerXmlFlattener.flatten(xml))
        .hasMessageStartingWith("PRTC0706E")
        .hasMessageContaining("missing.xml");
  }

  private Map<String, String> with(String key, String value) throws Exception {
    Map<String, String> p = base();
    p.put(key, value);
    return p;
  }

  private void assertError(Map<String, String> p, String id, String mentions) {
    assertThatThrownBy(() -> parse(p))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith(id)
        .hasMessageContaining(mentions);
  }

  @Test
  void areasUnderOneRootNeedTheirOwnIntermediates() throws Exception {
    Map<String, String> p = base();
    // A second area with the same root and no intermediate would own every path to that root.
    p.put("portcullis.area.everyone.anchors", "root.pem");
    assertThatThrownBy(() -> parse(p))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0708E")
        .hasMessageContaining("everyone");
    TestPki.Ca other = ROOT.intermediate("CN=Other Area");
    Files.writeString(dir.resolve("other.pem"), TestPki.pem(other.certificate()));
    p.put("portcullis.area.everyone.intermediates", "other.pem");
    assertThat(parse(p).areas())
        .extracting(TrustArea::name)
        .containsExactly("everyone", "payments");
  }

  @Test
  void anAreaDeclaresItsScope() throws Exception {
    Map<String, String> p = base();
    p.put(
        "portcullis.area.payments.spiffe.prefixes",
        "spiffe://corp/payments/, spiffe://corp/shared");
    p.put("portcullis.area.payments.dns.subtrees", "payments.corp.example");
    TrustArea area = parse(p).areas().get(0);
    assertThat(area.scope().spiffePrefixes())
        .extracting(Object::toString)
        .containsExactly("spiffe://corp/payments", "spiffe://corp/shared");
    assertThat(area.scope().dnsSubtrees()).containsExactly("payments.corp.example");

    p.put("portcullis.area.payments.spiffe.prefixes", "https://corp/payments");
    assertError(p, "PRTC0701E", "portcullis.area.payments.spiffe.prefixes");
  }

  @Test
  void aRuleCombinesAnAreaWithAnAttribute() throws Exception {
    Map<String, String> p = base();
    p.put("portcullis.rule.admin.area", "payments");
    p.put("portcullis.rule.admin.attribute", "uriSan");
    p.put("portcullis.rule.admin.pattern", "spiffe://corp/payments/admin");
    p.put("portcullis.rule.admin.groups", "admin");
    RoleRule rule = parse(p).rules().rules().get(0);
    assertThat(rule.area()).contains("payments");
    assertThat(rule.attribute()).isEqualTo(Attribute.URI_SAN);

    p.put("portcullis.rule.admin.area", " ");
    assertError(p, "PRTC0206E", "admin");
  }

  @Test
  void aDenyRuleNamingNoConfiguredAreaIsRefusedAndAGrantRuleReported() throws Exception {
    Map<String, String> p = base();
    p.put("portcullis.rule.quarantine.area", "Payments"); // a capital P: no such area
    p.put("portcullis.rule.quarantine.attribute", "dn.OU");
    p.put("portcullis.rule.quarantine.pattern", "quarantine");
    p.put("portcullis.rule.quarantine.effect", "deny");
    assertError(p, "PRTC0709E", "did you mean 'payments'");

    // Disabling the area while its deny rule stays leaves the rule denying no one: refused too.
    p.put("portcullis.rule.quarantine.area", "payments");
    assertThat(parse(p).warnings()).isEmpty();
    TestPki.Ca other = ROOT.intermediate("CN=Orders Area");
    Files.writeString(dir.resolve("orders.pem"), TestPki.pem(other.certificate()));
    p.put("portcullis.area.orders.anchors", "root.pem");
    p.put("portcullis.area.orders.intermediates", "orders.pem");
    p.put("portcullis.area.payments.enabled", "false");
    assertError(p, "PRTC0709E", "areas: orders");

    // An exact rule on the attribute area names an area too.
    p.remove("portcullis.rule.quarantine.area");
    p.put("portcullis.rule.quarantine.attribute", "area");
    p.put("portcullis.rule.quarantine.pattern", "payments");
    assertError(p, "PRTC0709E", "quarantine");

    // A grant rule naming no area grants nothing: the configuration stands, with a warning.
    p.put("portcullis.rule.quarantine.effect", "grant");
    p.put("portcullis.rule.quarantine.groups", "reader");
    PortcullisConfig config = parse(p);
    assertThat(config.warnings())
        .singleElement()
        .asString()
        .startsWith("PRTC0710W")
        .contains("quarantine", "'payments'");
  }

  @Test
  void areaNamesThatDifferOnlyInCaseAreRefused() throws Exception {
    Map<String, String> p = base();
    TestPki.Ca other = ROOT.intermediate("CN=Other Payments Area");
    Files.writeString(dir.resolve("other.pem"), TestPki.pem(other.certificate()));
    p.put("portcullis.area.Payments.anchors", "root.pem");
    p.put("portcullis.area.Payments.intermediates", "other.pem");
    assertError(p, "PRTC0708E", "differ only in case");
  }

  @Test
  void anAreaWithoutScopeIsOpen() throws Exception {
    assertThat(parse(base()).areas().get(0).scope().isOpen()).isTrue();
  }

  @Test
  void trustFilesAreEveryAreasAnchorsAndIntermediatesOnce() {
    Map<String, String> properties = new HashMap<>();
    properties.put("portcullis.area.b.anchors", "root.pem, next-root.pem");
    properties.put("portcullis.area.b.intermediates", "b.pem");
    properties.put("portcullis.area.a.anchors", "root.pem");
    properties.put("portcullis.area.a.crl", "a.crl");
    properties.put("portcullis.rule.r.anchors", "not-an-area.pem");

    assertThat(ConfigParser.trustFiles(properties, Path.of("/etc/pki")))
        .containsExactly(
            Path.of("/etc/pki/root.pem"),
            Path.of("/etc/pki/next-root.pem"),
            Path.of("/etc/pki/b.pem"));
  }
}
