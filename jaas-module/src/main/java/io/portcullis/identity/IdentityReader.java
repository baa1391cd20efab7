package io.portcullis.identity;

import io.portcullis.PortcullisException;
import io.portcullis.messages.CoreMessage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

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
    return new WorkloadIdentity(
        spiffeId,
        uris,
        dns,
        leaf.getSubjectX500Principal().getName(X500Principal.RFC2253),
        "",
        leaf.getSerialNumber(),
        leaf.getNotBefore().toInstant(),
        leaf.getNotAfter().toInstant(),
        sha256(leaf));
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
