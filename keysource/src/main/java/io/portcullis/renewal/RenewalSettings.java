package io.portcullis.renewal;

import io.portcullis.config.ConfigParser;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one key source's certificate is renewed: the renewal attributes of its {@code <keySource>}
 * ({@code renew}, {@code caDirectory}, {@code caUrl}, {@code caRoot}, {@code lifetime}, {@code
 * renewAt}, {@code renewJitter}, {@code retryDelay}, {@code retryMaxDelay}, {@code retireAfter},
 * {@code quietPeriod}, {@code expectedIdentity}), read with the key source's other attributes.
 *
 * @param issuer who renews: {@link IssuerKind#NONE} for a certificate nothing renews
 * @param caDirectory the Portcullis CA's state directory, for the CA on this host ({@link
 *     IssuerKind#CA})
 * @param caUrl the Portcullis CA's {@code ca serve} endpoint, for the CA on another host (ending in
 *     {@code /}); exactly one of it and {@code caDirectory} is given for {@link IssuerKind#CA}
 * @param caRoot the CA's root certificate(s) (PEM), the only anchors trusted for {@code caUrl} and
 *     for the chains an ACME server issues
 * @param acme how to reach the ACME server ({@link IssuerKind#ACME})
 * @param lifetime the lifetime asked for, or empty for the issuer's maximum
 * @param renewAt the fraction of the lifetime gone when the renewal is due
 * @param jitter the most, as a fraction of the lifetime, taken at random off {@code renewAt}
 * @param retryDelay the wait after the first failure, doubled after each further one
 * @param retryMaxDelay the longest wait between failures
 * @param retireAfter how long a token keeps the key a renewal replaced
 * @param quietPeriod how long watched files must stay unchanged before they are read ({@link
 *     IssuerKind#FILES})
 * @param expectedIdentity the identity every new certificate must name ({@link
 *     CertificateIdentity}), or empty for the identity of the certificate in force
 * @param unhealthyAt the fraction of the lifetime past which a certificate still not renewed turns
 *     the key source's readiness DOWN (after {@code renewAt}, under 1)
 */
public record RenewalSettings(
    IssuerKind issuer,
    Optional<Path> caDirectory,
    Optional<URI> caUrl,
    Optional<Path> caRoot,
    Optional<AcmeSettings> acme,
    Optional<Duration> lifetime,
    double renewAt,
    double jitter,
    Duration retryDelay,
    Duration retryMaxDelay,
    Duration retireAfter,
    Duration quietPeriod,
    Optional<String> expectedIdentity,
    double unhealthyAt) {

  /** Who renews a certificate. */
  public enum IssuerKind {
    /** Nothing: the key source serves what it holds. */
    NONE,
    /**
     * The Portcullis CA: opened in this process from its state directory, or over its {@code ca
     * serve} endpoint.
     */
    CA,
    /** An ACME server (RFC 8555), with External Account Binding where it asks for one. */
    ACME,
    /** An outside manager that writes the files of a {@code type=pem} key source. */
    FILES
  }

  /** Nothing renews: the settings of a key source without renewal attributes. */
  public static final RenewalSettings NONE =
      new RenewalSettings(
          IssuerKind.NONE,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          2.0 / 3,
          0.05,
          Duration.ofSeconds(2),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(2),
          Optional.empty(),
          CredentialHealth.defaultUnhealthyAt(2.0 / 3));

  /**
   * Reads the renewal attributes of {@code values} (a key source's attributes; others ignored).
   *
   * @throws PortcullisException {@code PRTC0501E} naming the attribute and what it must be
   */
  public static RenewalSettings fromMap(Map<String, String> values) throws PortcullisException {
    return fromMap(values, System.getenv());
  }

  /**
   * Reads the renewal attributes of {@code values}; secrets named by an {@code ...Env} attribute
   * come from {@code env}.
   *
   * @throws PortcullisException {@code PRTC0501E} naming the attribute and what it must be
   */
  public static RenewalSettings fromMap(Map<String, String> values, Map<String, String> env)
      throws PortcullisException {
    IssuerKind issuer;
    String renew = values.getOrDefault("renew", "none").strip().toLowerCase(Locale.ROOT);
    switch (renew) {
      case "none", "" -> issuer = IssuerKind.NONE;
      case "ca" -> issuer = IssuerKind.CA;
      case "acme" -> issuer = IssuerKind.ACME;
      case "files" -> issuer = IssuerKind.FILES;
      default ->
          throw KeySourceMessage.CONFIG_INVALID.exception(
              "renew=" + renew + " is not one of none, ca, acme, files");
    }
    Optional<Path> caDirectory = text(values, "caDirectory").map(Path::of);
    Optional<URI> caUrl = caUrl(values);
    Optional<Path> caRoot = text(values, "caRoot").map(Path::of);
    if (issuer == IssuerKind.CA && caDirectory.isEmpty() == caUrl.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "renew=ca needs either caDirectory (the CA on this host) or caUrl (its ca serve"
              + " endpoint), not "
              + (caDirectory.isEmpty() ? "neither" : "both"));
    }
    if (caUrl.isPresent() && caRoot.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "caUrl needs caRoot, the CA's root certificate (PEM), to know the endpoint by");
    }
    if (issuer == IssuerKind.FILES && caRoot.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "renew=files needs caRoot, the root certificate(s) (PEM) the written chains must"
              + " validate to");
    }
    Optional<AcmeSettings> acme = Optional.empty();
    if (issuer == IssuerKind.ACME) {
      if (caRoot.isEmpty()) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "renew=acme needs caRoot, the ACME CA's root certificate(s) (PEM), to check what it"
                + " issues");
      }
      try {
        acme = Optional.of(AcmeSettings.fromMap(values, env));
      } catch (IllegalArgumentException e) {
        throw KeySourceMessage.CONFIG_INVALID.causedBy(e, e.getMessage());
      }
    }
    Optional<Duration> lifetime = optionalDuration(values, "lifetime");
    double renewAt = fraction(values, "renewAt", NONE.renewAt());
    if (renewAt <= 0 || renewAt >= 1) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "renewAt=" + values.get("renewAt") + " must be over 0 and under 1");
    }
    double jitter = fraction(values, "renewJitter", NONE.jitter());
    if (jitter < 0 || jitter >= renewAt) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "renewJitter=" + values.get("renewJitter") + " must be at least 0 and under renewAt");
    }
    double unhealthyAt =
        fraction(values, "unhealthyAt", CredentialHealth.defaultUnhealthyAt(renewAt));
    if (unhealthyAt <= renewAt || unhealthyAt >= 1) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "unhealthyAt="
              + values.get("unhealthyAt")
              + " must be after renewAt ("
              + renewAt
              + ") and under 1");
    }
    Duration retryDelay = optionalDuration(values, "retryDelay").orElse(NONE.retryDelay());
    Duration retryMaxDelay = optionalDuration(values, "retryMaxDelay").orElse(NONE.retryMaxDelay());
    if (retryMaxDelay.compareTo(retryDelay) < 0) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "retryMaxDelay " + retryMaxDelay + " is shorter than retryDelay " + retryDelay);
    }
    Duration retireAfter = optionalDuration(values, "retireAfter").orElse(NONE.retireAfter());
    Duration quietPeriod = optionalDuration(values, "quietPeriod").orElse(NONE.quietPeriod());
    Optional<String> expectedIdentity =
        Optional.ofNullable(values.get("expectedIdentity"))
            .map(String::strip)
            .filter(text -> !text.isEmpty())
            .map(CertificateIdentity::normalise);
    return new RenewalSettings(
        issuer,
        caDirectory,
        caUrl,
        caRoot,
        acme,
        lifetime,
        renewAt,
        jitter,
        retryDelay,
        retryMaxDelay,
        retireAfter,
        quietPeriod,
        expectedIdentity,
        unhealthyAt);
  }

  /** Whether anything renews the certificate. */
  public boolean renews() {
    return issuer != IssuerKind.NONE;
  }

  static Optional<String> text(Map<String, String> values, String key) {
    return Optional.ofNullable(values.get(key)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * {@code caUrl}: an https URL with a host, made to end in {@code /} so paths resolve under it.
   */
  private static Optional<URI> caUrl(Map<String, String> values) throws PortcullisException {
    Optional<String> text = text(values, "caUrl");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String url = text.get().endsWith("/") ? text.get() : text.get() + "/";
    try {
      URI uri = new URI(url);
      if (!"https".equalsIgnoreCase(uri.getScheme())
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw new URISyntaxException(
            url, "not an https URL with a host and nothing after the path");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw KeySourceMessage.CONFIG_INVALID.causedBy(
          e, "caUrl=" + text.get() + " is not usable: " + e.getMessage());
    }
  }

  private static Optional<Duration> optionalDuration(Map<String, String> values, String key)
      throws PortcullisException {
    String text = values.get(key);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ConfigParser.duration(key, text, false));
    } catch (PortcullisException e) {
      throw KeySourceMessage.CONFIG_INVALID.causedBy(e, e.getMessage());
    }
  }

  private static double fraction(Map<String, String> values, String key, double fallback)
      throws PortcullisException {
    String text = values.get(key);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.strip());
      if (!Double.isFinite(value)) {
        throw new NumberFormatException("not finite");
      }
      return value;
    } catch (NumberFormatException e) {
      throw KeySourceMessage.CONFIG_INVALID.causedBy(
          e, key + "=" + text + " is not a decimal fraction such as 0.667");
    }
  }
}
