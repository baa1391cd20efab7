package io.portcullis.ca;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * The lineage extension: a renewed certificate names the certificate it replaces.
 *
 * <p>OID {@value #OID_TEXT} (non-critical). The arc {@value #ARC_TEXT} is a UUID-based OID (ITU-T
 * X.667, {@code 2.25.<uuid as integer>}) minted for Portcullis, so no registration authority is
 * needed; {@code .1} under it is this extension. Value:
 *
 * <pre>
 * PortcullisLineage ::= SEQUENCE {
 *   hashAlgorithm   AlgorithmIdentifier,  -- id-sha256, no parameters
 *   previousCertHash OCTET STRING         -- hash of the DER of the replaced certificate
 * }
 * </pre>
 */
public final class Lineage {
  /** The Portcullis private arc. */
  public static final String ARC_TEXT = "2.25.211707229000822286291467586794462875512";

  /** The lineage extension's OID. */
  public static final String OID_TEXT = ARC_TEXT + ".1";

  static final ASN1ObjectIdentifier OID = new ASN1ObjectIdentifier(OID_TEXT);

  private Lineage() {}

  static ASN1Encodable value(byte[] previousSha256) {
    return new DERSequence(
        new ASN1Encodable[] {
          new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
          new DEROctetString(previousSha256)
        });
  }

  /**
   * The lower-case hex SHA-256 of the certificate {@code certificate} replaced, or empty for a
   * certificate that starts a lineage (first issuance) or was not issued by Portcullis.
   *
   * @throws IOException when the extension is present but malformed
   */
  public static Optional<String> previousSha256(X509Certificate certificate) throws IOException {
    byte[] wrapped = certificate.getExtensionValue(OID_TEXT);
    if (wrapped == null) {
      return Optional.empty();
    }
    try {
      ASN1Primitive inner =
          ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(wrapped).getOctets());
      ASN1Sequence sequence = ASN1Sequence.getInstance(inner);
      if (sequence.size() != 2) {
        throw new IOException("the lineage extension must hold two elements");
      }
      AlgorithmIdentifier algorithm = AlgorithmIdentifier.getInstance(sequence.getObjectAt(0));
      byte[] hash = ASN1OctetString.getInstance(sequence.getObjectAt(1)).getOctets();
      if (!NISTObjectIdentifiers.id_sha256.equals(algorithm.getAlgorithm()) || hash.length != 32) {
        throw new IOException("the lineage extension must hold a SHA-256 hash");
      }
      return Optional.of(HexFormat.of().formatHex(hash));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException("malformed lineage extension: " + e.getMessage(), e);
    }
  }
}
