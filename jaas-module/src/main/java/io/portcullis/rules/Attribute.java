package io.portcullis.rules;

import io.portcullis.identity.SpiffeId;
import io.portcullis.identity.WorkloadIdentity;
import java.util.List;
import java.util.Locale;

/**
 * The identity attribute a {@link RoleRule} looks at. DNS names, subject DNs and their attributes,
 * fingerprints and serials compare case-insensitively (X.500 matches directory strings ignoring
 * case, as DNS does names); URIs, SPIFFE IDs and area names compare exactly.
 */
public enum Attribute {
  /** Any URI SAN (the SPIFFE ID among them). Glob separator {@code /}. */
  URI_SAN('/', false),
  /** The validated SPIFFE ID only. Glob separator {@code /}. */
  SPIFFE_ID('/', false),
  /** Any DNS SAN, compared case-insensitively. Glob separator {@code .}. */
  DNS_SAN('.', true),
  /**
   * The whole subject DN in RFC 2253 form; exact matches compare as X.500 names, every match
   * ignores case (X.500 matches directory strings case-insensitively).
   */
  SUBJECT_DN((char) 0, true),
  /** Subject DN attribute CN. */
  DN_CN((char) 0, true),
  /** Subject DN attribute OU (any of them). */
  DN_OU((char) 0, true),
  /** Subject DN attribute O. */
  DN_O((char) 0, true),
  /** Subject DN attribute L. */
  DN_L((char) 0, true),
  /** Subject DN attribute ST. */
  DN_ST((char) 0, true),
  /** Subject DN attribute C. */
  DN_C((char) 0, true),
  /** Subject DN attribute DC (any of them). */
  DN_DC((char) 0, true),
  /** Subject DN attribute UID. */
  DN_UID((char) 0, true),
  /** The trust area that validated the chain. */
  AREA((char) 0, false),
  /** The SHA-256 fingerprint of the certificate, lower-case hex without colons. */
  FINGERPRINT((char) 0, true),
  /** The serial number, lower-case hex. */
  SERIAL((char) 0, true);

  private final char globSeparator;
  private final boolean caseInsensitive;

  Attribute(char globSeparator, boolean caseInsensitive) {
    this.globSeparator = globSeparator;
    this.caseInsensitive = caseInsensitive;
  }

  /** The character a glob {@code *} does not cross, or 0 when it crosses everything. */
  char globSeparator() {
    return globSeparator;
  }

  boolean caseInsensitive() {
    return caseInsensitive;
  }

  /** The values of this attribute in {@code identity}; a rule matches when any one matches. */
  List<String> valuesOf(WorkloadIdentity identity) {
    return switch (this) {
      case URI_SAN -> identity.uriSans();
      case SPIFFE_ID -> identity.spiffeId().map(SpiffeId::toString).stream().toList();
      case DNS_SAN -> identity.dnsSans();
      case SUBJECT_DN -> List.of(identity.subjectDn());
      case DN_CN -> identity.dnAttribute("CN");
      case DN_OU -> identity.dnAttribute("OU");
      case DN_O -> identity.dnAttribute("O");
      case DN_L -> identity.dnAttribute("L");
      case DN_ST -> identity.dnAttribute("ST");
      case DN_C -> identity.dnAttribute("C");
      case DN_DC -> identity.dnAttribute("DC");
      case DN_UID -> identity.dnAttribute("UID");
      case AREA -> identity.area().isEmpty() ? List.of() : List.of(identity.area());
      case FINGERPRINT -> List.of(identity.sha256());
      case SERIAL -> List.of(identity.serialHex());
    };
  }

  /**
   * Parses the configuration spelling, case and {@code -}/{@code _}/{@code .} insensitive: {@code
   * uriSan}, {@code spiffeId}, {@code dnsSan}, {@code subjectDn}, {@code dn.CN} (also {@code cn},
   * {@code dn.OU}, {@code dn.O}, {@code dn.L}, {@code dn.ST}, {@code dn.C}, {@code dn.DC}, {@code
   * dn.UID}), {@code area}, {@code fingerprint} ({@code sha256}), {@code serial}.
   *
   * @throws IllegalArgumentException for an unknown attribute
   */
  public static Attribute parse(String text) {
    String key =
        text == null
            ? ""
            : text.replace("-", "")
                .replace("_", "")
                .replace(".", "")
                .replace(":", "")
                .toLowerCase(Locale.ROOT);
    if (key.startsWith("dn") && key.length() > 2 && !key.equals("dns") && !key.equals("dnssan")) {
      key = key.substring(2);
    } else if (key.startsWith("subject") && key.length() > 7 && !key.equals("subjectdn")) {
      key = key.substring(7);
    }
    return switch (key) {
      case "urisan", "uri" -> URI_SAN;
      case "spiffeid", "spiffe" -> SPIFFE_ID;
      case "dnssan", "dns" -> DNS_SAN;
      case "subjectdn", "dn" -> SUBJECT_DN;
      case "cn" -> DN_CN;
      case "ou" -> DN_OU;
      case "o" -> DN_O;
      case "l" -> DN_L;
      case "st" -> DN_ST;
      case "c" -> DN_C;
      case "dc" -> DN_DC;
      case "uid" -> DN_UID;
      case "area" -> AREA;
      case "fingerprint", "sha256" -> FINGERPRINT;
      case "serial", "serialnumber" -> SERIAL;
      default ->
          throw new IllegalArgumentException(
              "unknown rule attribute '"
                  + text
                  + "' (expected uriSan, spiffeId, dnsSan, subjectDn, dn.CN, dn.OU, dn.O, dn.L,"
                  + " dn.ST, dn.C, dn.DC, dn.UID, area, fingerprint or serial)");
    };
  }
}
