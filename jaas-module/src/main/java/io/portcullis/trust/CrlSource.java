package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

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

  /**
   * CRLs fetched over http(s), the whole download (connection, headers and body) within {@code
   * timeout}: a server that answers slowly, or drips its body a byte at a time, is cut off then and
   * the last good CRLs stay.
   */
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
        AtomicReference<InputStream> open = new AtomicReference<>();
        CompletableFuture<byte[]> download =
            client
                .sendAsync(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> body(response, open));
        try {
          byte[] bytes = download.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          return parse(bytes, uri.toString());
        } catch (TimeoutException e) {
          download.cancel(true);
          closeQuietly(open.get());
          throw CoreMessage.CRL_LOAD_FAILED.causedBy(
              e, uri, "no complete answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e;
          if (cause instanceof UncheckedIOException wrapped
              && wrapped.getCause() instanceof Refusal refusal) {
            throw CoreMessage.CRL_LOAD_FAILED.exception(uri, refusal.getMessage());
          }
          throw CoreMessage.CRL_LOAD_FAILED.causedBy(cause, uri, String.valueOf(cause));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          download.cancel(true);
          closeQuietly(open.get());
          throw CoreMessage.CRL_LOAD_FAILED.causedBy(e, uri, "interrupted");
        }
      }

      @Override
      public String describe() {
        return uri.toString();
      }
    };
  }

  /** An answer that is not a CRL download: a status other than 200, or too large. */
  final class Refusal extends IOException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message);
    }
  }

  private static byte[] body(
      HttpResponse<InputStream> response, AtomicReference<InputStream> open) {
    try (InputStream body = response.body()) {
      open.set(body);
      if (response.statusCode() != 200) {
        throw new Refusal("HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new Refusal("larger than " + MAX_BYTES);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(InputStream stream) {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException e) {
        // the download is abandoned either way
      }
    }
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
