package io.portcullis.ca;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM reading and writing of certificates, CSRs, keys and CRLs (through Bouncy Castle). */
public final class Pem {
  private Pem() {}

  /** PEM text of certificates, CSRs, CRLs or keys, in order. */
  public static String encode(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof PrivateKey key) {
          // PKCS#8 ("PRIVATE KEY"), which every tool reads, not the traditional EC/RSA forms.
          writer.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing PEM to memory cannot fail", e);
    }
    return text.toString();
  }

  /** Every certificate in {@code pem}, in order. */
  public static List<X509Certificate> certificates(String pem) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects(new StringReader(pem))) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (CertificateException e) {
          throw new IOException("unreadable certificate: " + e.getMessage(), e);
        }
      }
    }
    return certificates;
  }

  /** The one certificate request in {@code pem}. */
  public static PKCS10CertificationRequest csr(String pem) throws IOException {
    for (Object object : objects(new StringReader(pem))) {
      if (object instanceof PKCS10CertificationRequest csr) {
        return csr;
      }
    }
    throw new IOException("no CERTIFICATE REQUEST block");
  }

  /** The one private key in {@code pem} (PKCS#8 or traditional, unencrypted). */
  public static PrivateKey privateKey(String pem) throws IOException {
    for (Object object : objects(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    }
    throw new IOException("no unencrypted PRIVATE KEY block");
  }

  private static List<Object> objects(Reader reader) throws IOException {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException("malformed PEM: " + e.getMessage(), e);
    }
    return objects;
  }
}
