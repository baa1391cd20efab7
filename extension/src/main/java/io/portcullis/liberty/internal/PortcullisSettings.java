package io.portcullis.liberty.internal;

import io.portcullis.PortcullisException;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.trust.TrustArea;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The feature's configuration, read from the properties Liberty's config admin delivers for the
 * {@code <portcullis>} element. Nested {@code <trustArea>} and {@code <roleRule>} elements arrive
 * flattened ({@code trustArea.0.name}, {@code roleRule.3.groups}, ...). Plain Java: no Liberty
 * types, so it is unit tested without a server.
 *
 * @param realm realm of the access IDs
 * @param refuseUnmatched whether trusted callers without any group are refused
 * @param areas the trust areas, in configuration order
 * @param rules the role rules, in configuration order
 */
record PortcullisSettings(
    String realm, boolean refuseUnmatched, List<TrustArea> areas, List<RoleRule> rules) {

  PortcullisSettings {
    areas = List.copyOf(areas);
    rules = List.copyOf(rules);
  }

  /**
   * Reads the settings.
   *
   * @throws PortcullisException {@code PRTC0304E} for an invalid value, {@code PRTC0305E} for an
   *     unreadable certificate file
   */
  static PortcullisSettings from(Map<String, ?> properties) throws PortcullisException {
    String realm = string(properties, "realm", "portcullis");
    if (realm.isBlank() || realm.contains("/")) {
      throw new PortcullisException(
          "PRTC0304E", "realm '" + realm + "' must be non-empty without '/'");
    }
    String unmatched = string(properties, "unmatched", "authenticate").toLowerCase(Locale.ROOT);
    if (!unmatched.equals("authenticate") && !unmatched.equals("refuse")) {
      throw new PortcullisException(
          "PRTC0304E", "unmatched='" + unmatched + "' must be authenticate or refuse");
    }
    List<TrustArea> areas = new ArrayList<>();
    for (int i = 0; properties.containsKey("trustArea." + i + ".name"); i++) {
      String prefix = "trustArea." + i + ".";
      String name = string(properties, prefix + "name", "");
      List<X509Certificate> anchors = certificates(name, strings(properties, prefix + "anchors"));
      if (anchors.isEmpty()) {
        throw new PortcullisException("PRTC0304E", "trust area '" + name + "' names no anchors");
      }
      try {
        areas.add(
            new TrustArea(
                name, anchors, certificates(name, strings(properties, prefix + "intermediates"))));
      } catch (IllegalArgumentException e) {
        throw new PortcullisException("PRTC0304E", e.getMessage());
      }
    }
    List<RoleRule> rules = new ArrayList<>();
    for (int i = 0; properties.containsKey("roleRule." + i + ".value"); i++) {
      String prefix = "roleRule." + i + ".";
      try {
        rules.add(
            new RoleRule(
                Attribute.parse(string(properties, prefix + "attribute", "")),
                string(properties, prefix + "value", ""),
                strings(properties, prefix + "groups")));
      } catch (IllegalArgumentException e) {
        throw new PortcullisException("PRTC0304E", "role rule " + i + ": " + e.getMessage());
      }
    }
    return new PortcullisSettings(realm, unmatched.equals("refuse"), areas, rules);
  }

  private static String string(Map<String, ?> properties, String key, String fallback) {
    Object value = properties.get(key);
    return value == null ? fallback : value.toString().trim();
  }

  /** A multi-valued attribute: String[] from config admin, or a comma-separated String. */
  private static List<String> strings(Map<String, ?> properties, String key) {
    Object value = properties.get(key);
    List<String> values = new ArrayList<>();
    if (value instanceof String[] array) {
      values.addAll(Arrays.asList(array));
    } else if (value instanceof Iterable<?> iterable) {
      iterable.forEach(v -> values.add(String.valueOf(v)));
    } else if (value != null) {
      values.addAll(Arrays.asList(value.toString().split(",")));
    }
    return values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static List<X509Certificate> certificates(String area, List<String> files)
      throws PortcullisException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (String file : files) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        for (Certificate certificate :
            CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          certificates.add((X509Certificate) certificate);
        }
      } catch (IOException | CertificateException | RuntimeException e) {
        throw new PortcullisException(e, "PRTC0305E", area, file, e.toString());
      }
      if (certificates.isEmpty()) {
        throw new PortcullisException("PRTC0305E", area, file, "no certificate in the file");
      }
    }
    return certificates;
  }
}
