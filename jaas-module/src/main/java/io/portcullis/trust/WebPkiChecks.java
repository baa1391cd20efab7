package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/**
 * The web PKI profile: the CA/Browser Forum Baseline Requirements' rules for public TLS
 * certificates that the conformance corpus checks, on top of RFC 5280. Applied only when a policy
 * carries a public suffix list ({@link TrustPolicy#webPki()}), which no server configuration does:
 * a private PKI is held to RFC 5280 and its deployment policy, not to the public web's rules.
 *
 * <ul>
 *   <li>an end-entity certificate's subject common name, when present, is one of its DNS or IP
 *       address subject alternative names;
 *   <li>it carries an extended key usage, not critical and without anyExtendedKeyUsage;
 *   <li>no wildcard DNS name stands over a public suffix;
 *   <li>a root carries no extended key usage, and its authority key identifier (if any) holds a key
 *       identifier only;
 *   <li>a CA's name constraints may be non-critical (the Baseline Requirements allow it where RFC
 *       5280 asks for critical; see {@link ProfileChecks}).
 * </ul>
 */
final class WebPkiChecks {
  private WebPkiChecks() {}

  /** The rules for the end-entity certificate {@code leaf}. */
  static Optional<TrustDecision.Rejected> leaf(X509Certificate leaf, PublicSuffixes suffixes) {
    Optional<TrustDecision.Rejected> eku = extendedKeyUsage(leaf);
    if (eku.isPresent()) {
      return eku;
    }
    GeneralNames names;
    List<String> commonNames;
    try {
      Certificate parsed = Certificate.getInstance(leaf.getEncoded());
      Extensions extensions = parsed.getTBSCertificate().getExtensions();
      names =
          extensions == null
              ? null
              : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      commonNames = commonNames(parsed.getSubject());
    } catch (CertificateEncodingException | RuntimeException e) {
      return broken(leaf, "its subject or subject alternative names cannot be read");
    }
    GeneralName[] all = names == null ? new GeneralName[0] : names.getNames();
    for (String commonName : commonNames) {
      if (!amongNames(commonName, all)) {
        return broken(
            leaf,
            "the subject common name '"
                + NameSyntax.quote(commonName)
                + "' is none of its DNS or IP address names");
      }
    }
    for (GeneralName name : all) {
      if (name.getTagNo() == GeneralName.dNSName
          && name.getName() instanceof ASN1String text
          && text.getString().startsWith("*.")) {
        String base = text.getString().substring(2);
        if (suffixes.isPublicSuffix(base)) {
          return Certificates.refuse(
              CoreMessage.WILDCARD_OVER_PUBLIC_SUFFIX,
              Certificates.subject(leaf),
              NameSyntax.quote(text.getString()),
              NameSyntax.quote(base));
        }
      }
    }
    return Optional.empty();
  }

  /** The rules for a root the path ends in; an anchor that is not self-issued is no root. */
  static Optional<TrustDecision.Rejected> root(X509Certificate anchor) {
    if (!anchor.getSubjectX500Principal().equals(anchor.getIssuerX500Principal())) {
      return Optional.empty();
    }
    if (anchor.getExtensionValue(Certificates.OID_EXTENDED_KEY_USAGE) != null) {
      return broken(anchor, "a root certificate carries an extended key usage");
    }
    byte[] aki = anchor.getExtensionValue(Certificates.OID_AUTHORITY_KEY_IDENTIFIER);
    if (aki != null) {
      try {
        AuthorityKeyIdentifier identifier =
            AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(aki).getOctets());
        if (identifier.getKeyIdentifierObject() == null
            || identifier.getAuthorityCertIssuer() != null
            || identifier.getAuthorityCertSerialNumber() != null) {
          return broken(
              anchor, "a root's authority key identifier holds more than a key identifier");
        }
      } catch (RuntimeException e) {
        return broken(anchor, "a root's authority key identifier cannot be read");
      }
    }
    return Optional.empty();
  }

  private static Optional<TrustDecision.Rejected> extendedKeyUsage(X509Certificate leaf) {
    if (leaf.getExtensionValue(Certificates.OID_EXTENDED_KEY_USAGE) == null) {
      return broken(leaf, "an end-entity certificate carries no extended key usage");
    }
    if (Certificates.isCritical(
        leaf.getCriticalExtensionOIDs(), Certificates.OID_EXTENDED_KEY_USAGE)) {
      return broken(leaf, "its extended key usage is critical");
    }
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && eku.contains(Certificates.EKU_ANY)) {
        return broken(leaf, "its extended key usage holds anyExtendedKeyUsage");
      }
    } catch (CertificateParsingException e) {
      return Certificates.refuse(
          CoreMessage.EKU_UNREADABLE, Certificates.subject(leaf), e.getMessage());
    }
    return Optional.empty();
  }

  private static List<String> commonNames(X500Name subject) {
    List<String> out = new ArrayList<>();
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
        if (BCStyle.CN.equals(value.getType())) {
          out.add(
              value.getValue() instanceof ASN1String text
                  ? text.getString()
                  : value.getValue().toString());
        }
      }
    }
    return out;
  }

  /** Whether {@code commonName} is one of the DNS names (any case) or IP addresses. */
  private static boolean amongNames(String commonName, GeneralName[] names) {
    byte[] address = literal(commonName);
    for (GeneralName name : names) {
      if (name.getTagNo() == GeneralName.dNSName
          && name.getName() instanceof ASN1String text
          && text.getString()
              .toLowerCase(Locale.ROOT)
              .equals(commonName.toLowerCase(Locale.ROOT))) {
        return true;
      }
      if (name.getTagNo() == GeneralName.iPAddress
          && address != null
          && java.util.Arrays.equals(
              address, ASN1OctetString.getInstance(name.getName()).getOctets())) {
        return true;
      }
    }
    return false;
  }

  /** The address an IP literal names, or null; never a DNS lookup. */
  private static byte[] literal(String text) {
    if (!IPAddress.isValid(text)) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static Optional<TrustDecision.Rejected> broken(X509Certificate cert, String why) {
    return Certificates.refuse(CoreMessage.WEB_PKI_PROFILE_BROKEN, Certificates.subject(cert), why);
  }
}
