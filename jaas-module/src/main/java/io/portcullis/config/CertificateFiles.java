package io.portcullis.config;

import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads X.509 certificates from PEM (one or more blocks) or DER files and text. */
public final class CertificateFiles {
  private CertificateFiles() {}

  /**
   * Reads every certificate in {@code file}.
   *
   * @throws PortcullisException {@code PRTC0703E} when the file cannot be read or holds none
   */
  public static List<X509Certificate> read(Path file) throws PortcullisException {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw CoreMessage.CERTIFICATES_UNREADABLE.causedBy(e, file, e.toString());
    }
  }

  /** Parses PEM or DER bytes; {@code origin} names them in errors. */
  public static List<X509Certificate> parse(byte[] bytes, String origin)
      throws PortcullisException {
    try {
      List<X509Certificate> result = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes))) {
        if (c instanceof X509Certificate x509) {
          result.add(x509);
        }
      }
      if (result.isEmpty()) {
        throw CoreMessage.CERTIFICATES_UNREADABLE.exception(origin, "no certificate found");
      }
      return List.copyOf(result);
    } catch (CertificateException | RuntimeException e) {
      throw CoreMessage.CERTIFICATES_UNREADABLE.causedBy(e, origin, e.toString());
    }
  }
}
