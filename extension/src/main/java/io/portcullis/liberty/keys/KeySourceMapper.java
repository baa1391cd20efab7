package io.portcullis.liberty.keys;

import io.portcullis.config.Settings;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.liberty.config.ConfigValues;
import io.portcullis.messages.PortcullisException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Maps the {@code <keySource>} elements of {@code <usr_portcullis>} (delivered flattened: {@code
 * keySource.0.name}, {@code keySource.0.tokenLabel}, ...) to {@code
 * portcullis.keySource.NAME.ATTRIBUTE} properties, lets MicroProfile Config override or add to
 * them, and reads each key source's {@link KeySourceConfig}. Plain Java, unit tested without a
 * server.
 */
final class KeySourceMapper {
  static final String PREFIX = Settings.Section.KEY_SOURCE.prefix();

  /**
   * MicroProfile Config list of key source names defined only there (env vars cannot be listed).
   */
  static final String NAMES = Settings.KEY_SOURCE_NAMES;

  private KeySourceMapper() {}

  /** The {@code portcullis.keySource.*} properties server.xml describes. */
  static Map<String, String> fromServerXml(Map<String, ?> properties) throws PortcullisException {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; properties.containsKey("keySource." + i + ".name"); i++) {
      String name = ConfigValues.text(properties.get("keySource." + i + ".name"));
      checkName(name);
      if (out.keySet().stream().anyMatch(k -> k.startsWith(PREFIX + name + "."))) {
        throw KeySourceMessage.KEYSTORE_CONFIG_INVALID.exception(
            "two keySource elements are named " + name);
      }
      for (String attribute : KeySourceConfig.KEYS) {
        Object value = properties.get("keySource." + i + "." + attribute);
        String text =
            value == null
                ? ""
                : ConfigValues.text(
                    value, Settings.setting(Settings.Section.KEY_SOURCE, attribute).type());
        if (!text.isEmpty()) {
          out.put(PREFIX + name + "." + attribute, text);
        }
      }
      out.putIfAbsent(PREFIX + name + ".type", "");
    }
    return out;
  }

  /**
   * {@code serverXml} with MicroProfile Config on top: every attribute of every key source
   * server.xml names or {@value #NAMES} lists is looked up, so {@code
   * PORTCULLIS_KEYSOURCE_SERVER_ALIAS} overrides {@code <keySource name="server" alias>} and {@code
   * PORTCULLIS_KEYSOURCE_SERVER_PINENV} may supply an attribute server.xml leaves out.
   */
  static Map<String, String> withOverrides(
      Map<String, String> serverXml, Function<String, Optional<String>> lookup)
      throws PortcullisException {
    Set<String> names = new LinkedHashSet<>(names(serverXml));
    for (String name : lookup.apply(NAMES).map(v -> v.split(",")).orElse(new String[0])) {
      if (!name.isBlank()) {
        checkName(name.strip());
        names.add(name.strip());
      }
    }
    Map<String, String> out = new TreeMap<>(serverXml);
    for (String name : names) {
      for (String attribute : KeySourceConfig.KEYS) {
        String key = PREFIX + name + "." + attribute;
        lookup.apply(key).filter(v -> !v.isBlank()).ifPresent(v -> out.put(key, v.strip()));
      }
    }
    return out;
  }

  /** Each named key source's configuration, in name order. */
  static Map<String, KeySourceConfig> configs(
      Map<String, String> properties, Map<String, String> environment) throws PortcullisException {
    Map<String, KeySourceConfig> configs = new LinkedHashMap<>();
    for (String name : names(properties)) {
      Map<String, String> attributes = new TreeMap<>();
      properties.forEach(
          (key, value) -> {
            if (key.startsWith(PREFIX + name + ".") && !value.isEmpty()) {
              attributes.put(key.substring(PREFIX.length() + name.length() + 1), value);
            }
          });
      try {
        configs.put(name, KeySourceConfig.fromMap(attributes, environment));
      } catch (PortcullisException e) {
        throw KeySourceMessage.KEYSTORE_CONFIG_INVALID.causedBy(
            e, "key source " + name + ": " + e.getMessage());
      }
    }
    return configs;
  }

  private static Set<String> names(Map<String, String> properties) {
    Set<String> names = new LinkedHashSet<>();
    for (String key : properties.keySet()) {
      if (key.startsWith(PREFIX)) {
        String rest = key.substring(PREFIX.length());
        int dot = rest.lastIndexOf('.');
        if (dot > 0) {
          names.add(rest.substring(0, dot));
        }
      }
    }
    return names;
  }

  private static void checkName(String name) throws PortcullisException {
    if (name.isEmpty() || !name.matches("[A-Za-z0-9_-]+")) {
      throw KeySourceMessage.KEYSTORE_CONFIG_INVALID.exception(
          "key source name '" + name + "' must be letters, digits, '-' or '_' (it is the alias)");
    }
  }
}
