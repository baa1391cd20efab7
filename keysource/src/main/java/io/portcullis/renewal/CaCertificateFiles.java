package io.portcullis.renewal;

import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** A renewal attribute's PEM file of CA certificates ({@code caRoot}, {@code acmeTrust}). */
public final class CaCertificateFiles {
  private CaCertificateFiles() {}

  /**
   * The CA certificates in {@code file}: at least one, and only CA certificates.
   *
   * @param attribute the attribute that named the file, for the message
   * @throws PortcullisException {@code PRTC0501E} naming the attribute, the file and what is wrong
   */
  public static List<X509Certificate> read(Path file, String attribute) throws PortcullisException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
    } catch (IOException | CertificateException e) {
      throw KeySourceMessage.CONFIG_INVALID.causedBy(
          e, attribute + " " + file + " cannot be read: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          attribute + " " + file + " holds no PEM certificate; give the CA's root certificate");
    }
    for (X509Certificate certificate : certificates) {
      if (certificate.getBasicConstraints() < 0) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            attribute
                + " "
                + file
                + " holds "
                + certificate.getSubjectX500Principal().getName()
                + ", which is no CA certificate; give the CA's root certificate");
      }
    }
    return certificates;
  }
}
