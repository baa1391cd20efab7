package io.portcullis.ca;

import io.portcullis.PortcullisException;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The {@link Issuer} a key source's renewal settings name. */
public final class RenewalIssuers {
  private RenewalIssuers() {}

  /**
   * The Portcullis CA over its endpoint when {@code caUrl} is set, else in this process from {@code
   * caDirectory}.
   *
   * @throws PortcullisException {@code PRTC0501E} when {@code caRoot} holds no CA certificate
   */
  public static Issuer of(RenewalSettings settings, Clock clock) throws PortcullisException {
    Duration lifetime = settings.lifetime().orElse(null);
    if (settings.caUrl().isPresent()) {
      return new CaEndpointIssuer(
          settings.caUrl().get(), roots(settings.caRoot().orElseThrow()), lifetime);
    }
    return new CaRenewalIssuer(settings.caDirectory().orElseThrow(), lifetime, clock);
  }

  /** The CA certificates in {@code file}: at least one, and only CA certificates. */
  static List<X509Certificate> roots(Path file) throws PortcullisException {
    List<X509Certificate> roots;
    try {
      roots = Pem.certificates(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw KeySourceMessage.CONFIG_INVALID.causedBy(
          e, "caRoot " + file + " cannot be read: " + e.getMessage());
    }
    if (roots.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "caRoot " + file + " holds no PEM certificate; give the CA's root certificate");
    }
    for (X509Certificate root : roots) {
      if (root.getBasicConstraints() < 0) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "caRoot "
                + file
                + " holds "
                + root.getSubjectX500Principal().getName()
                + ", which is no CA certificate; give the CA's root certificate");
      }
    }
    return roots;
  }
}
