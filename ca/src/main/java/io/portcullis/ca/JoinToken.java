package io.portcullis.ca;

import java.time.Instant;
import java.util.Objects;

/**
 * A one-time join token: lets the registered workload get its first certificate once, before {@code
 * expiresAt}. The CA stores only its SHA-256; {@link #toString()} hides the secret.
 *
 * @param token the secret to hand to the workload ({@code ptj1.<workload key>.<random>})
 * @param spiffeId the workload it is for
 * @param expiresAt when it stops working
 */
public record JoinToken(String token, String spiffeId, Instant expiresAt) {
  public JoinToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public String toString() {
    return "JoinToken[" + spiffeId + ", expires " + expiresAt + "]";
  }
}
