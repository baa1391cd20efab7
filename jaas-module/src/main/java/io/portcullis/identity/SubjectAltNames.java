package io.portcullis.identity;

import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The DNS and URI subject alternative names a certificate's signed bytes hold, read with Bouncy
 * Castle from {@link X509Certificate#getEncoded()}.
 *
 * <p>Never from {@link X509Certificate#getSubjectAlternativeNames()}: that answers from the JDK's
 * parsed object, which the JDK shares between every holder of the same encoding (its certificate
 * factory caches by DER) and which other code on the server can change. On Open Liberty a client
 * certificate's parsed names were seen to arrive with its CN added as a DNS name (a certificate for
 * {@code spiffe://corp/alpha/api} with subject {@code CN=api} read as also naming DNS {@code api}),
 * which would let a subject CN satisfy a {@code dnsSan} rule or fall outside an area's scope. The
 * signature covers the encoding, so the encoding is what counts.
 */
public final class SubjectAltNames {
  /** One name: its {@link GeneralName} tag and its text. */
  public record Name(int type, String value) {}

  private SubjectAltNames() {}

  /**
   * The DNS ({@link GeneralName#dNSName}) and URI ({@link GeneralName#uniformResourceIdentifier})
   * names, in certificate order; other kinds are left out.
   *
   * @throws CertificateParsingException when the encoding or the extension cannot be read
   */
  public static List<Name> of(X509Certificate certificate) throws CertificateParsingException {
    GeneralNames names;
    try {
      Extensions extensions =
          Certificate.getInstance(certificate.getEncoded()).getTBSCertificate().getExtensions();
      names =
          extensions == null
              ? null
              : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
    } catch (CertificateEncodingException | RuntimeException e) {
      throw new CertificateParsingException("unreadable subjectAltName: " + e.getMessage(), e);
    }
    List<Name> out = new ArrayList<>();
    if (names == null) {
      return out;
    }
    for (GeneralName name : names.getNames()) {
      int tag = name.getTagNo();
      if ((tag == GeneralName.dNSName || tag == GeneralName.uniformResourceIdentifier)
          && name.getName() instanceof ASN1String text) {
        out.add(new Name(tag, text.getString()));
      }
    }
    return out;
  }
}
