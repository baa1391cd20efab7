package io.portcullis.ca;

import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalSettings;
import java.time.Clock;
import java.time.Duration;

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
      return CaEndpointIssuer.following(
          settings.caUrl().get(), settings.caRoot().orElseThrow(), lifetime);
    }
    return new CaRenewalIssuer(settings.caDirectory().orElseThrow(), lifetime, clock);
  }
}
