package io.portcullis.identity;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.naming.NamingException;
import javax.naming.directory.Attributes;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a verified certificate says its holder is. Immutable; built by {@link IdentityReader} from a
 * certificate whose chain has already been validated.
 *
 * @param spiffeId the SPIFFE-style URI SAN, when the certificate has exactly one valid one
 * @param uriSans every URI SAN, in certificate order
 * @param dnsSans every DNS SAN, in certificate order
 * @param subjectDn the subject distinguished name in RFC 2253 form
 * @param area the trust area whose anchors validated the chain, or empty before validation
 * @param serial the certificate serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param sha256 lower-case hex SHA-256 fingerprint of the certificate's DER encoding
 */
public record WorkloadIdentity(
    Optional<SpiffeId> spiffeId,
    List<String> uriSans,
    List<String> dnsSans,
    String subjectDn,
    String area,
    BigInteger serial,
    Instant notBefore,
    Instant notAfter,
    String sha256) {

  public WorkloadIdentity {
    Objects.requireNonNull(spiffeId, "spiffeId");
    uriSans = List.copyOf(uriSans);
    dnsSans = List.copyOf(dnsSans);
    Objects.requireNonNull(subjectDn, "subjectDn");
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(sha256, "sha256");
  }

  /**
   * The caller's principal name: the SPIFFE ID when there is one, otherwise the subject DN. The DN
   * fallback serves certificates from CAs that cannot issue URI SANs (ACME issues DNS names only).
   */
  public String principalName() {
    return spiffeId.map(SpiffeId::toString).orElse(subjectDn);
  }

  /**
   * The caller's name among all areas: {@code AREA/PRINCIPAL}, e.g. {@code
   * payments/spiffe://corp.example/payments/api}. The same SPIFFE ID vouched for by two areas is
   * two callers; Liberty's unique id is {@code user:REALM/} followed by this.
   */
  public String uniqueName() {
    return area + "/" + principalName();
  }

  /**
   * The values of one subject DN attribute ({@code CN}, {@code OU}, {@code O}, {@code L}, {@code
   * ST}, {@code C}, {@code DC}, {@code UID}; case-insensitive), most significant RDN first.
   */
  public List<String> dnAttribute(String type) {
    try {
      List<Rdn> rdns = new LdapName(subjectDn).getRdns();
      List<String> values = new ArrayList<>();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        Attributes attributes = rdns.get(i).toAttributes();
        javax.naming.directory.Attribute attribute = attributes.get(type);
        if (attribute != null) {
          for (int j = 0; j < attribute.size(); j++) {
            values.add(String.valueOf(attribute.get(j)));
          }
        }
      }
      return List.copyOf(values);
    } catch (NamingException | RuntimeException e) {
      return List.of();
    }
  }

  /** The serial number in lower-case hex. */
  public String serialHex() {
    return serial.toString(16);
  }

  /** The same identity, now known to be validated by the trust area {@code areaName}. */
  public WorkloadIdentity inArea(String areaName) {
    return new WorkloadIdentity(
        spiffeId, uriSans, dnsSans, subjectDn, areaName, serial, notBefore, notAfter, sha256);
  }
}
