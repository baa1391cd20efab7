package io.portcullis.renewal;

import io.portcullis.PortcullisException;
import io.portcullis.config.ConfigParser;
import io.portcullis.keys.KeySourceMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one key source's certificate is renewed: the renewal attributes of its {@code <keySource>}
 * ({@code renew}, {@code caDirectory}, {@code lifetime}, {@code renewAt}, {@code renewJitter},
 * {@code retryDelay}, {@code retryMaxDelay}, {@code retireAfter}), read with the key source's other
 * attributes.
 *
 * @param issuer who renews: {@link IssuerKind#NONE} for a certificate nothing renews
 * @param caDirectory the Portcullis CA's state directory ({@link IssuerKind#CA})
 * @param lifetime the lifetime asked for, or empty for the issuer's maximum
 * @param renewAt the fraction of the lifetime gone when the renewal is due
 * @param jitter the most, as a fraction of the lifetime, taken at random off {@code renewAt}
 * @param retryDelay the wait after the first failure, doubled after each further one
 * @param retryMaxDelay the longest wait between failures
 * @param retireAfter how long a token keeps the key a renewal replaced
 */
public record RenewalSettings(
    IssuerKind issuer,
    Optional<Path> caDirectory,
    Optional<Duration> lifetime,
    double renewAt,
    double jitter,
    Duration retryDelay,
    Duration retryMaxDelay,
    Duration retireAfter) {

  /** Who renews a certificate. */
  public enum IssuerKind {
    /** Nothing: the key source serves what it holds. */
    NONE,
    /** The Portcullis CA, opened in this process from its state directory. */
    CA
  }

  /** Nothing renews: the settings of a key source without renewal attributes. */
  public static final RenewalSettings NONE =
      new RenewalSettings(
          IssuerKind.NONE,
          Optional.empty(),
          Optional.empty(),
          2.0 / 3,
          0.05,
          Duration.ofSeconds(2),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30));

  /**
   * Reads the renewal attributes of {@code values} (a key source's attributes; others ignored).
   *
   * @throws PortcullisException {@code PRTC0501E} naming the attribute and what it must be
   */
  public static RenewalSettings fromMap(Map<String, String> values) throws PortcullisException {
    IssuerKind issuer;
    String renew = values.getOrDefault("renew", "none").strip().toLowerCase(Locale.ROOT);
    switch (renew) {
      case "none", "" -> issuer = IssuerKind.NONE;
      case "ca" -> issuer = IssuerKind.CA;
      default ->
          throw KeySourceMessage.CONFIG_INVALID.exception(
              "renew=" + renew + " is not one of none, ca");
    }
    Optional<Path> caDirectory =
        Optional.ofNullable(values.get("caDirectory")).filter(v -> !v.isBlank()).map(Path::of);
    if (issuer == IssuerKind.CA && caDirectory.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception("renew=ca needs caDirectory");
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
    Duration retryDelay = optionalDuration(values, "retryDelay").orElse(NONE.retryDelay());
    Duration retryMaxDelay = optionalDuration(values, "retryMaxDelay").orElse(NONE.retryMaxDelay());
    if (retryMaxDelay.compareTo(retryDelay) < 0) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "retryMaxDelay " + retryMaxDelay + " is shorter than retryDelay " + retryDelay);
    }
    Duration retireAfter = optionalDuration(values, "retireAfter").orElse(NONE.retireAfter());
    return new RenewalSettings(
        issuer, caDirectory, lifetime, renewAt, jitter, retryDelay, retryMaxDelay, retireAfter);
  }

  /** Whether anything renews the certificate. */
  public boolean renews() {
    return issuer != IssuerKind.NONE;
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
