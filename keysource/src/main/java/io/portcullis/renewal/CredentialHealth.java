package io.portcullis.renewal;

import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether one key source is healthy, as its readiness check reports it: UP while the certificate it
 * serves is valid and its renewal on track; DOWN, with the message that says why, when the
 * certificate cannot be served (the key source does not load, the token is away, the key no longer
 * signs), is not yet valid, has expired, or is past the point of its lifetime by which a renewal
 * should have replaced it.
 *
 * <p>The data are what an operator reads beside the state: never a key, PIN, password or token;
 * only names, serials, times and message IDs.
 *
 * @param keySource the key source's name
 * @param up whether the check is UP
 * @param downId the message ID that says why it is DOWN
 * @param reason the message that says why it is DOWN, or empty when UP
 * @param data name and value pairs, in a stable order, for the check's data
 * @param notAfter when the certificate served expires, or empty when nothing is served
 */
public record CredentialHealth(
    String keySource,
    boolean up,
    Optional<String> downId,
    String reason,
    Map<String, String> data,
    Optional<Instant> notAfter) {

  public CredentialHealth {
    data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /**
   * The default point of a certificate's lifetime past which a missing renewal turns the check
   * DOWN: {@code renewAt} plus half of what is left after it (0.83 of the lifetime for the default
   * {@code renewAt} of 2/3), so an operator has a third of the renewal period to act.
   */
  public static double defaultUnhealthyAt(double renewAt) {
    return renewAt + (1 - renewAt) / 2;
  }

  /**
   * The health of key source {@code keySource}.
   *
   * @param settings its renewal settings (who renews, {@code renewAt})
   * @param served the certificate it serves, or empty with {@code problem} when it cannot serve
   *     one: the key source does not load, or the key probe found that its key no longer signs
   * @param problem why nothing is served (the message, starting with its ID)
   * @param status what its agent has done (none for a key source nothing renews)
   * @param unhealthyAt the fraction of the lifetime past which a missing renewal is DOWN
   * @param now the time to judge by
   */
  public static CredentialHealth of(
      String keySource,
      RenewalSettings settings,
      Optional<X509Certificate> served,
      Optional<String> problem,
      RenewalStatus status,
      double unhealthyAt,
      Instant now) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("keySource", keySource);
    data.put("issuer", issuerKind(settings));
    served.ifPresent(certificate -> describe(certificate, now, data));
    if (settings.renews()) {
      describe(status, data);
    }
    if (served.isEmpty()) {
      String why = problem.orElse(RenewalStatus.UNKNOWN);
      return down(keySource, idOf(why), why, data, Optional.empty());
    }
    X509Certificate certificate = served.get();
    String serial = certificate.getSerialNumber().toString(16);
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (now.isBefore(notBefore)) {
      return down(
          keySource,
          KeySourceMessage.CERTIFICATE_NOT_YET_VALID.format(keySource, serial, notBefore),
          data,
          notAfter);
    }
    if (!now.isBefore(notAfter)) {
      return down(
          keySource,
          KeySourceMessage.CERTIFICATE_EXPIRED.format(keySource, serial, notAfter),
          data,
          notAfter);
    }
    if (settings.renews()) {
      Duration lifetime = Duration.between(notBefore, notAfter);
      Instant overdue = notBefore.plusMillis((long) (lifetime.toMillis() * unhealthyAt));
      if (!now.isBefore(overdue)) {
        return down(
            keySource,
            KeySourceMessage.RENEWAL_OVERDUE.format(
                keySource,
                serial,
                String.format(java.util.Locale.ROOT, "%.2f", unhealthyAt),
                status.consecutiveFailures(),
                status.lastErrorId().orElse("no failure"),
                notAfter),
            data,
            notAfter);
      }
    }
    return new CredentialHealth(keySource, true, Optional.empty(), "", data, Optional.of(notAfter));
  }

  private static CredentialHealth down(
      String keySource, String message, Map<String, String> data, Instant notAfter) {
    return down(keySource, idOf(message), message, data, Optional.of(notAfter));
  }

  private static CredentialHealth down(
      String keySource,
      String id,
      String message,
      Map<String, String> data,
      Optional<Instant> notAfter) {
    data.put("downId", id);
    return new CredentialHealth(keySource, false, Optional.of(id), message, data, notAfter);
  }

  /**
   * {@code ca}, {@code ca-endpoint} ({@code caUrl}), {@code acme}, {@code files} or {@code none}.
   */
  static String issuerKind(RenewalSettings settings) {
    return switch (settings.issuer()) {
      case NONE -> "none";
      case CA -> settings.caUrl().isPresent() ? "ca-endpoint" : "ca";
      case ACME -> "acme";
      case FILES -> "files";
    };
  }

  private static void describe(X509Certificate certificate, Instant now, Map<String, String> data) {
    String identity;
    try {
      identity = CertificateIdentity.of(certificate);
    } catch (PortcullisException e) {
      identity = certificate.getSubjectX500Principal().getName();
    }
    data.put("identity", identity);
    data.put("serial", certificate.getSerialNumber().toString(16));
    data.put("notAfter", certificate.getNotAfter().toInstant().toString());
    data.put(
        "secondsLeft",
        String.valueOf(
            Math.max(0, Duration.between(now, certificate.getNotAfter().toInstant()).toSeconds())));
  }

  private static void describe(RenewalStatus status, Map<String, String> data) {
    String outcome;
    if (status.lastSuccess().isEmpty() && status.lastFailure().isEmpty()) {
      outcome = "none yet";
    } else {
      outcome = status.lastSucceeded() ? "renewed" : "failed";
    }
    data.put("lastOutcome", outcome);
    status.lastSuccess().ifPresent(at -> data.put("lastRenewal", at.toString()));
    data.put("consecutiveFailures", String.valueOf(status.consecutiveFailures()));
    status.lastErrorId().ifPresent(id -> data.put("lastErrorId", id));
    status.nextAttempt().ifPresent(at -> data.put("nextAttempt", at.toString()));
    status
        .window()
        .ifPresent(
            window -> {
              data.put("windowStart", window.start().toString());
              data.put("windowEnd", window.end().toString());
            });
  }

  /** The message ID a message starts with ({@code PRTC0557E: ...}), or {@code unknown}. */
  private static String idOf(String message) {
    return io.portcullis.messages.MessageCatalog.idAtStart(message);
  }
}
