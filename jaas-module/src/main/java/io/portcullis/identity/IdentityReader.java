package io.portcullis.identity;

import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Reads a {@link WorkloadIdentity} from a leaf certificate. */
public final class IdentityReader {
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private IdentityReader() {}

  /**
   * Reads the identity of {@code leaf}. A certificate with more than one SPIFFE URI SAN, or with an
   * invalid one, is refused: the SPIFFE X.509-SVID rules allow exactly one, and guessing which one
   * the holder meant would let a CA mistake become an identity.
   *
   * @throws PortcullisException {@code PRTC0201E} for a malformed SPIFFE ID, {@code PRTC0202E} for
   *     several SPIFFE IDs, {@code PRTC0203E} for an unreadable SAN extension
   */
  public static WorkloadIdentity read(X509Certificate leaf) throws PortcullisException {
    List<String> uris = new ArrayList<>();
    List<String> dns = new ArrayList<>();
    List<SubjectAltNames.Name> sans;
    try {
      sans = SubjectAltNames.of(leaf);
    } catch (CertificateParsingException e) {
      throw CoreMessage.SAN_UNREADABLE.causedBy(e, e.getMessage());
    }
    for (SubjectAltNames.Name san : sans) {
      if (san.type() == SAN_URI) {
        uris.add(san.value());
      } else if (san.type() == SAN_DNS) {
        dns.add(san.value());
      }
    }
    List<String> spiffe = uris.stream().filter(SpiffeId::looksLikeSpiffe).toList();
    if (spiffe.size() > 1) {
      throw CoreMessage.SPIFFE_ID_SEVERAL.exception(String.join(", ", spiffe));
    }
    Optional<SpiffeId> spiffeId =
        spiffe.isEmpty() ? Optional.empty() : Optional.of(SpiffeId.parse(spiffe.get(0)));
    if (spiffeId.isPresent()) {
      svidLeafRules(spiffeId.get(), uris);
    }
    String subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
    Optional<String> unprintable = unprintableValue(leaf.getSubjectX500Principal());
    if (unprintable.isPresent()) {
      throw CoreMessage.SUBJECT_UNPRINTABLE.exception(visible(subject), unprintable.get());
    }
    return new WorkloadIdentity(
        spiffeId,
        uris,
        dns,
        subject,
        "",
        leaf.getSerialNumber(),
        leaf.getNotBefore().toInstant(),
        leaf.getNotAfter().toInstant(),
        sha256(leaf));
  }

  /**
   * The X.509-SVID rules for a leaf: its SPIFFE ID names a workload (a path, not the trust domain
   * alone, which is reserved for signing certificates), and it is the leaf's only URI SAN.
   */
  private static void svidLeafRules(SpiffeId id, List<String> uris) throws PortcullisException {
    if (id.path().isEmpty()) {
      throw CoreMessage.SPIFFE_ID_TRUST_DOMAIN_ONLY.exception(id);
    }
    if (uris.size() > 1) {
      throw CoreMessage.SPIFFE_ID_BESIDE_URIS.exception(
          id,
          String.join(", ", uris.stream().filter(uri -> !SpiffeId.looksLikeSpiffe(uri)).toList()));
    }
  }

  /**
   * The first control or line-separator character in a value of {@code subject}, as {@code U+000A
   * in OU}, read from the decoded values (the JDK's RFC 2253 text writes some of them as escapes).
   */
  private static Optional<String> unprintableValue(X500Principal subject) {
    for (RDN rdn : X500Name.getInstance(subject.getEncoded()).getRDNs()) {
      for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
        if (attribute.getValue() instanceof ASN1String value) {
          int at = unprintableAt(value.getString());
          if (at >= 0) {
            String type = BCStyle.INSTANCE.oidToDisplayName(attribute.getType());
            return Optional.of(
                String.format(
                    Locale.ROOT,
                    "U+%04X in %s",
                    (int) value.getString().charAt(at),
                    type == null ? attribute.getType().getId() : type));
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Where {@code text} holds a control character (C0, DEL, C1) or a Unicode line or paragraph
   * separator, or -1. A subject with one could end a log line or slip past a rule's pattern.
   */
  static int unprintableAt(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (unprintable(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean unprintable(char c) {
    int type = Character.getType(c);
    return Character.isISOControl(c)
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** {@code text} with each character {@link #unprintableAt} finds written as a Unicode escape. */
  static String visible(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unprintable(c)) {
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Lower-case hex SHA-256 of the certificate's DER encoding. */
  public static String sha256(X509Certificate certificate) throws PortcullisException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw CoreMessage.SAN_UNREADABLE.causedBy(e, e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
