package io.portcullis.liberty.config;

import io.portcullis.config.ConfigParser;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Maps the properties Liberty delivers for {@code <usr_portcullis>} to the {@code portcullis.*}
 * names the core's {@code ConfigParser} reads, then lets MicroProfile Config override or add to
 * them. Plain Java, no Liberty or MicroProfile types, so it is unit tested without a server.
 *
 * <p>Liberty flattens nested elements: {@code trustArea.0.name}, {@code roleRule.2.groups}, {@code
 * policy.0.maxLeafLifetime}, {@code denyList.0.file}. Multi-valued attributes arrive as {@code
 * String[]}.
 */
public final class LibertyConfigMapper {
  private static final String PREFIX = "portcullis.";

  /** Area attribute (server.xml spelling) to property suffix. */
  private static final Map<String, String> AREA_KEYS =
      Map.of(
          "anchors", "anchors",
          "intermediates", "intermediates",
          "crl", "crl",
          "crlRefresh", "crl.refresh",
          "revocation", "revocation",
          "revocationScope", "revocation.scope",
          "enabled", "enabled");

  /** Rule and policy attributes are spelled the same in server.xml and in properties. */
  private static final Set<String> RULE_KEYS = ConfigParser.RULE_KEYS;

  private static final Set<String> POLICY_KEYS = ConfigParser.POLICY_KEYS;

  private LibertyConfigMapper() {}

  /** The {@code portcullis.*} properties server.xml describes, in a stable order. */
  public static Map<String, String> fromServerXml(Map<String, ?> properties) {
    Map<String, String> out = new TreeMap<>();
    put(out, PREFIX + "unmatched", properties.get("unmatched"));
    put(out, PREFIX + "cache.size", properties.get("cacheSize"));
    for (int i = 0; properties.containsKey("trustArea." + i + ".name"); i++) {
      String prefix = "trustArea." + i + ".";
      String name = ConfigValues.text(properties.get(prefix + "name"));
      for (Map.Entry<String, String> key : AREA_KEYS.entrySet()) {
        put(
            out,
            PREFIX + "area." + name + "." + key.getValue(),
            properties.get(prefix + key.getKey()));
      }
      for (String key : POLICY_KEYS) {
        put(out, PREFIX + "area." + name + "." + key, properties.get(prefix + key));
      }
    }
    for (int i = 0; hasAny(properties, "roleRule." + i + "."); i++) {
      String prefix = "roleRule." + i + ".";
      Object named = properties.get(prefix + "name");
      String name =
          named == null || ConfigValues.text(named).isEmpty()
              ? "roleRule" + i
              : ConfigValues.text(named);
      for (String key : RULE_KEYS) {
        put(out, PREFIX + "rule." + name + "." + key, properties.get(prefix + key));
      }
    }
    for (String key : POLICY_KEYS) {
      put(out, PREFIX + "policy." + key, properties.get("policy.0." + key));
    }
    put(out, PREFIX + "denyList.file", properties.get("denyList.0.file"));
    put(out, PREFIX + "denyList.entries", properties.get("denyList.0.entries"));
    return out;
  }

  /**
   * Applies MicroProfile Config on top of {@code fromServerXml}: every key present is looked up (so
   * {@code PORTCULLIS_RULE_READERS_GROUPS} overrides {@code portcullis.rule.readers.groups}), and
   * the names listed in {@code portcullis.rules} and {@code portcullis.areas} add rules and areas
   * that exist only in MicroProfile Config. Environment variables cannot be enumerated back into
   * dotted names, hence the lists.
   */
  public static Map<String, String> withOverrides(
      Map<String, String> serverXml, Function<String, Optional<String>> lookup) {
    Map<String, String> out = new TreeMap<>(serverXml);
    for (String key : serverXml.keySet()) {
      lookup.apply(key).ifPresent(value -> out.put(key, value));
    }
    for (String name : names(lookup.apply(PREFIX + "rules"))) {
      for (String key : RULE_KEYS) {
        String property = PREFIX + "rule." + name + "." + key;
        lookup.apply(property).ifPresent(value -> out.put(property, value));
      }
    }
    for (String name : names(lookup.apply(PREFIX + "areas"))) {
      for (String key : AREA_KEYS.values()) {
        String property = PREFIX + "area." + name + "." + key;
        lookup.apply(property).ifPresent(value -> out.put(property, value));
      }
      for (String key : POLICY_KEYS) {
        String property = PREFIX + "area." + name + "." + key;
        lookup.apply(property).ifPresent(value -> out.put(property, value));
      }
    }
    for (String key : POLICY_KEYS) {
      String property = PREFIX + "policy." + key;
      lookup.apply(property).ifPresent(value -> out.put(property, value));
    }
    for (String key : List.of("unmatched", "cache.size", "denyList.file", "denyList.entries")) {
      lookup.apply(PREFIX + key).ifPresent(value -> out.put(PREFIX + key, value));
    }
    return out;
  }

  /**
   * The context roots {@code excludedContextRoots} names, normalised to the form {@code
   * HttpServletRequest.getContextPath()} returns: a leading '/', no trailing '/'. The root context
   * ("/" or "") cannot be excluded: it would leave every unnamed application to whatever else the
   * server offers, so it is ignored.
   */
  public static Set<String> excludedContextRoots(Object value) {
    Set<String> roots = new TreeSet<>();
    if (value == null) {
      return roots;
    }
    for (String root : ConfigValues.text(value).split(",")) {
      String trimmed = root.strip();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      if (!trimmed.isEmpty()) {
        roots.add(trimmed.startsWith("/") ? trimmed : "/" + trimmed);
      }
    }
    return roots;
  }

  private static List<String> names(Optional<String> list) {
    return list.map(
            v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  private static boolean hasAny(Map<String, ?> properties, String prefix) {
    return properties.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

  private static void put(Map<String, String> out, String key, Object value) {
    if (value != null) {
      out.put(key, ConfigValues.text(value));
    }
  }
}
