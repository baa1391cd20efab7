package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.time.Duration;
import java.util.Objects;

/**
 * What the root ceremony creates.
 *
 * @param name the CA's name, written into every subject's O attribute
 * @param trustDomain the SPIFFE trust domain, e.g. {@code corp.example}
 * @param crlBaseUrl where the CRLs are published; each certificate's CRL distribution point is
 *     {@code crlBaseUrl + area + ".crl"} (the root's own: {@code root.crl})
 * @param rootKeyType the root key's type: P-256, P-384 or RSA-3072
 * @param rootValidity the root certificate's validity
 */
public record CaSpec(
    String name,
    String trustDomain,
    String crlBaseUrl,
    KeyType rootKeyType,
    Duration rootValidity) {

  public CaSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(crlBaseUrl, "crlBaseUrl");
    Objects.requireNonNull(rootKeyType, "rootKeyType");
    Objects.requireNonNull(rootValidity, "rootValidity");
  }

  /** A validated spec; {@code crlBaseUrl} null means {@code http://crl.<trustDomain>/}. */
  public static CaSpec of(
      String name,
      String trustDomain,
      String crlBaseUrl,
      KeyType rootKeyType,
      Duration rootValidity)
      throws PortcullisException {
    if (name == null || name.isBlank()) {
      throw CaMessage.VALUE_INVALID.exception("name", name, "a non-empty CA name");
    }
    if (!AreaSpec.validDnsName(trustDomain)) {
      throw CaMessage.VALUE_INVALID.exception(
          "trust domain", trustDomain, "a lower-case DNS-style name");
    }
    if (rootKeyType != KeyType.P256
        && rootKeyType != KeyType.P384
        && rootKeyType != KeyType.RSA3072) {
      throw CaMessage.VALUE_INVALID.exception(
          "root key type", rootKeyType, "P-256, P-384, RSA-3072");
    }
    String base = crlBaseUrl == null ? "http://crl." + trustDomain + "/" : crlBaseUrl;
    if (!base.matches("https?://.+/")) {
      throw CaMessage.VALUE_INVALID.exception("CRL base URL", base, "an http(s) URL ending in /");
    }
    if (rootValidity.compareTo(Duration.ofDays(30)) < 0) {
      throw CaMessage.VALUE_INVALID.exception("root validity", rootValidity, "30 days or more");
    }
    return new CaSpec(name, trustDomain, base, rootKeyType, rootValidity);
  }
}
