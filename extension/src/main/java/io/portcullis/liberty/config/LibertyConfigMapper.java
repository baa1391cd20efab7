package io.portcullis.liberty.config;

import io.portcullis.config.Settings;
import io.portcullis.config.Settings.Section;
import io.portcullis.config.Settings.Setting;
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

  private LibertyConfigMapper() {}

  /** The {@code portcullis.*} properties server.xml describes, in a stable order. */
  public static Map<String, String> fromServerXml(Map<String, ?> properties) {
    Map<String, String> out = new TreeMap<>();
    element(properties, "", Section.ROOT, "", out);
    for (int i = 0; properties.containsKey("trustArea." + i + ".name"); i++) {
      String name = ConfigValues.text(properties.get("trustArea." + i + ".name"));
      element(properties, "trustArea." + i + ".", Section.AREA, name, out);
    }
    for (int i = 0; hasAny(properties, "roleRule." + i + "."); i++) {
      String prefix = "roleRule." + i + ".";
      Object named = properties.get(prefix + "name");
      String name =
          named == null || ConfigValues.text(named).isEmpty()
              ? "roleRule" + i
              : ConfigValues.text(named);
      element(properties, prefix, Section.RULE, name, out);
    }
    element(properties, "policy.0.", Section.POLICY, "", out);
    element(properties, "denyList.0.", Section.DENY_LIST, "", out);
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
    for (String name : names(lookup.apply(Settings.RULE_NAMES))) {
      lookUp(Section.RULE, name, lookup, out);
    }
    for (String name : names(lookup.apply(Settings.AREA_NAMES))) {
      lookUp(Section.AREA, name, lookup, out);
    }
    for (Section element : List.of(Section.ROOT, Section.POLICY, Section.DENY_LIST)) {
      lookUp(element, "", lookup, out);
    }
    return out;
  }

  /**
   * The properties of one element instance whose flattened attributes start with {@code
   * flatPrefix}. Durations typed in the metatype arrive as milliseconds and are passed on in
   * ISO-8601, the form the core reads.
   */
  private static void element(
      Map<String, ?> properties,
      String flatPrefix,
      Section element,
      String name,
      Map<String, String> out) {
    for (Setting setting : Settings.accepted(element)) {
      if (setting.type() == Settings.Type.NAME || setting.libertyOnly()) {
        continue;
      }
      Object value = properties.get(flatPrefix + setting.attribute());
      if (value != null) {
        out.put(element.prefix(name) + setting.key(), ConfigValues.text(value, setting.type()));
      }
    }
  }

  private static void lookUp(
      Section element,
      String name,
      Function<String, Optional<String>> lookup,
      Map<String, String> out) {
    for (String key : Settings.keys(element)) {
      String property = element.prefix(name) + key;
      lookup.apply(property).ifPresent(value -> out.put(property, value));
    }
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
}
