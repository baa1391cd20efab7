package io.portcullis.liberty.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibertyConfigMapperTest {

  private static Map<String, Object> serverXml() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("realm", "portcullis");
    properties.put("unmatched", "refuse");
    properties.put("cacheSize", 500);
    properties.put("trustArea.0.name", "payments");
    properties.put("trustArea.0.anchors", new String[] {"/pki/root.pem", " /pki/root2.pem "});
    properties.put("trustArea.0.crl", "/pki/payments.crl");
    properties.put("trustArea.0.crlRefresh", "30s");
    properties.put("trustArea.0.revocationScope", "chain");
    properties.put("trustArea.0.maxLeafLifetime", "30d");
    properties.put("trustArea.0.config.referenceType", "io.portcullis.liberty.trustArea");
    properties.put("roleRule.0.name", "readers");
    properties.put("roleRule.0.attribute", "uriSan");
    properties.put("roleRule.0.match", "glob");
    properties.put("roleRule.0.pattern", "spiffe://corp/*");
    properties.put("roleRule.0.groups", new String[] {"reader"});
    properties.put("roleRule.1.attribute", "dnsSan");
    properties.put("roleRule.1.value", "a.pool.svc");
    properties.put("roleRule.1.effect", "deny");
    properties.put("policy.0.minRsaBits", 3072);
    properties.put("denyList.0.file", "/pki/deny.txt");
    properties.put("service.pid", "io.portcullis.liberty.portcullis");
    return properties;
  }

  @Test
  void flattenedServerXmlBecomesPortcullisProperties() {
    Map<String, String> keys = LibertyConfigMapper.fromServerXml(serverXml());
    assertThat(keys)
        .containsEntry("portcullis.unmatched", "refuse")
        .containsEntry("portcullis.cache.size", "500")
        .containsEntry("portcullis.area.payments.anchors", "/pki/root.pem,/pki/root2.pem")
        .containsEntry("portcullis.area.payments.crl", "/pki/payments.crl")
        .containsEntry("portcullis.area.payments.crl.refresh", "30s")
        .containsEntry("portcullis.area.payments.revocation.scope", "chain")
        .containsEntry("portcullis.area.payments.maxLeafLifetime", "30d")
        .containsEntry("portcullis.rule.readers.match", "glob")
        .containsEntry("portcullis.rule.readers.pattern", "spiffe://corp/*")
        .containsEntry("portcullis.rule.readers.groups", "reader")
        .containsEntry("portcullis.rule.roleRule1.attribute", "dnsSan")
        .containsEntry("portcullis.rule.roleRule1.effect", "deny")
        .containsEntry("portcullis.policy.minRsaBits", "3072")
        .containsEntry("portcullis.denyList.file", "/pki/deny.txt");
    // Liberty's own bookkeeping never leaks into the core's namespace.
    assertThat(keys.keySet()).allMatch(k -> k.startsWith("portcullis."));
    assertThat(keys.keySet()).noneMatch(k -> k.contains("config.") || k.contains("realm"));
  }

  @Test
  void microProfileConfigOverridesAndAdds() {
    Map<String, String> mp = new HashMap<>();
    mp.put("portcullis.rule.readers.groups", "reader,auditor");
    mp.put("portcullis.rules", "batch, ");
    mp.put("portcullis.rule.batch.attribute", "spiffeId");
    mp.put("portcullis.rule.batch.match", "regex");
    mp.put("portcullis.rule.batch.pattern", "spiffe://corp/batch/job-[0-9]+");
    mp.put("portcullis.rule.batch.groups", "writer");
    mp.put("portcullis.areas", "extra");
    mp.put("portcullis.area.extra.anchors", "/pki/extra.pem");
    mp.put("portcullis.unmatched", "authenticate");
    mp.put("portcullis.policy.maxLeafLifetime", "7d");
    mp.put("portcullis.rule.unlisted.groups", "never");

    Map<String, String> keys =
        LibertyConfigMapper.withOverrides(
            LibertyConfigMapper.fromServerXml(serverXml()),
            name -> Optional.ofNullable(mp.get(name)));

    assertThat(keys)
        .containsEntry("portcullis.rule.readers.groups", "reader,auditor")
        .containsEntry("portcullis.rule.readers.pattern", "spiffe://corp/*")
        .containsEntry("portcullis.rule.batch.match", "regex")
        .containsEntry("portcullis.rule.batch.groups", "writer")
        .containsEntry("portcullis.area.extra.anchors", "/pki/extra.pem")
        .containsEntry("portcullis.unmatched", "authenticate")
        .containsEntry("portcullis.policy.maxLeafLifetime", "7d")
        .doesNotContainKey("portcullis.rule.unlisted.groups")
        .doesNotContainKey("portcullis.rules");
  }

  @Test
  void withoutOverridesServerXmlStands() {
    Map<String, String> server = LibertyConfigMapper.fromServerXml(serverXml());
    assertThat(LibertyConfigMapper.withOverrides(server, name -> Optional.empty()))
        .isEqualTo(server);
  }

  @Test
  void excludedContextRootsAreNormalisedToContextPaths() {
    assertThat(
            LibertyConfigMapper.excludedContextRoots(
                new String[] {"/orders-jaspic", "orders-jaas/", " /x ", "/", ""}))
        .containsExactly("/orders-jaas", "/orders-jaspic", "/x");
    assertThat(LibertyConfigMapper.excludedContextRoots("/a, /b")).containsExactly("/a", "/b");
    assertThat(LibertyConfigMapper.excludedContextRoots(null)).isEmpty();
  }
}
