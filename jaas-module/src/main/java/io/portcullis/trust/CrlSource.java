package io.portcullis.trust;

import io.portcullis.PortcullisException;
import io.portcullis.messages.CoreMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Where a trust area's CRLs come from: a PEM or DER file, or an http(s) URL. */
public interface CrlSource {

  /** Largest CRL download accepted, so a broken or hostile server cannot exhaust memory. */
  int MAX_BYTES = 32 * 1024 * 1024;

  /**
   * Loads the CRLs now.
   *
   * @throws PortcullisException {@code PRTC0136E} when the source cannot be read or parsed
   */
  List<X509CRL> load() throws PortcullisException;

  /** Where the CRLs come from, for messages. */
  String describe();

  /** CRLs from a file (PEM or DER; several PEM blocks allowed). */
  static CrlSource file(Path path) {
    Objects.requireNonNull(path, "path");
    return new CrlSource() {
      @Override
      public List<X509CRL> load() throws PortcullisException {
        try {
          if (Files.size(path) > MAX_BYTES) {
            throw CoreMessage.CRL_LOAD_FAILED.exception(
                path, "larger than " + MAX_BYTES + " bytes");
          }
          return parse(Files.readAllBytes(path), path.toString());
        } catch (IOException e) {
          throw CoreMessage.CRL_LOAD_FAILED.causedBy(e, path, e.toString());
        }
      }

      @Override
      public String describe() {
        return path.toString();
      }
    };
  }

  /** CRLs fetched over http(s) with a timeout. */
  static CrlSource url(URI uri, Duration timeout) {
    Objects.requireNonNull(uri, "uri");
    String scheme = String.valueOf(uri.getScheme());
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("CRL URL must be http or https: " + uri);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    return new CrlSource() {
      @Override
      public List<X509CRL> load() throws PortcullisException {
        try {
          HttpResponse<InputStream> response =
              client.send(
                  HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                  HttpResponse.BodyHandlers.ofInputStream());
          try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
              throw CoreMessage.CRL_LOAD_FAILED.exception(uri, "HTTP " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
              throw CoreMessage.CRL_LOAD_FAILED.exception(uri, "larger than " + MAX_BYTES);
            }
            return parse(bytes, uri.toString());
          }
        } catch (IOException e) {
          throw CoreMessage.CRL_LOAD_FAILED.causedBy(e, uri, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw CoreMessage.CRL_LOAD_FAILED.causedBy(e, uri, "interrupted");
        }
      }

      @Override
      public String describe() {
        return uri.toString();
      }
    };
  }

  /** Parses PEM or DER CRLs. */
  static List<X509CRL> parse(byte[] bytes, String origin) throws PortcullisException {
    try {
      Collection<? extends CRL> crls =
          CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(bytes));
      List<X509CRL> result = new ArrayList<>();
      for (CRL crl : crls) {
        if (crl instanceof X509CRL x509) {
          result.add(x509);
        }
      }
      if (result.isEmpty()) {
        throw CoreMessage.CRL_LOAD_FAILED.exception(origin, "no CRL found");
      }
      return List.copyOf(result);
    } catch (CRLException | CertificateException | RuntimeException e) {
      throw CoreMessage.CRL_LOAD_FAILED.causedBy(e, origin, e.toString());
    }
  }
}
