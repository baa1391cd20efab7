package io.portcullis.renewal;

import java.time.Instant;
import java.util.Objects;

/**
 * When the issuer suggests renewing a certificate (ACME Renewal Information, RFC 9773): a window,
 * and when to ask again, since the issuer may move the window (earlier, after an incident).
 *
 * @param start the window's start
 * @param end the window's end, after {@code start}
 * @param checkAgain when to ask for the window again (the issuer's Retry-After, or a default)
 */
public record RenewalWindow(Instant start, Instant end, Instant checkAgain) {
  public RenewalWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(checkAgain, "checkAgain");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("a renewal window must end after it starts");
    }
  }
}
