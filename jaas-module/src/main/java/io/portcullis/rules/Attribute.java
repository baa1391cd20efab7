package io.portcullis.rules;

import io.portcullis.identity.WorkloadIdentity;
import java.util.List;
import java.util.Locale;

/** The identity attribute a {@link RoleRule} looks at. */
public enum Attribute {
  /** Any URI SAN (the SPIFFE ID among them). */
  URI_SAN,
  /** Any DNS SAN. */
  DNS_SAN,
  /** The whole subject DN in RFC 2253 form. */
  SUBJECT_DN,
  /** The trust area that validated the chain. */
  AREA;

  /** The values of this attribute in {@code identity}; a rule matches when any one matches. */
  List<String> valuesOf(WorkloadIdentity identity) {
    return switch (this) {
      case URI_SAN -> identity.uriSans();
      case DNS_SAN -> identity.dnsSans();
      case SUBJECT_DN -> List.of(identity.subjectDn());
      case AREA -> identity.area().isEmpty() ? List.of() : List.of(identity.area());
    };
  }

  /**
   * Parses the configuration spelling: {@code uriSan}, {@code dnsSan}, {@code subjectDn}, {@code
   * area} (case and {@code -}/{@code _} insensitive).
   */
  public static Attribute parse(String text) {
    String key =
        text == null ? "" : text.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    return switch (key) {
      case "urisan", "uri" -> URI_SAN;
      case "dnssan", "dns" -> DNS_SAN;
      case "subjectdn", "dn" -> SUBJECT_DN;
      case "area" -> AREA;
      default ->
          throw new IllegalArgumentException(
              "unknown rule attribute '" + text + "' (expected uriSan, dnsSan, subjectDn or area)");
    };
  }
}
