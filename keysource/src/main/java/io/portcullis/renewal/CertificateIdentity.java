package io.portcullis.renewal;

import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.SpiffeId;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The identity a certificate gives its holder, as peers' rules read it: its SPIFFE ID, or, for a
 * certificate without one (ACME issues DNS names only), its DNS names. A renewal, from any issuer,
 * must keep it: a new certificate that names another identity is not served, unless the key
 * source's {@code expectedIdentity} names that one.
 */
final class CertificateIdentity {
  private CertificateIdentity() {}

  /**
   * {@code text} as {@link #of} writes identities: a SPIFFE ID as it is, DNS names lower-case,
   * sorted and comma-separated.
   */
  static String normalise(String text) {
    String stripped = text.strip();
    if (SpiffeId.looksLikeSpiffe(stripped)) {
      return stripped;
    }
    TreeSet<String> names = new TreeSet<>();
    Arrays.stream(stripped.split(","))
        .map(name -> name.strip().toLowerCase(Locale.ROOT))
        .filter(name -> !name.isEmpty())
        .forEach(names::add);
    return String.join(",", names);
  }

  /** The identity {@code certificate} names; its subject DN when it has neither kind of name. */
  static String of(X509Certificate certificate) throws PortcullisException {
    WorkloadIdentity identity = IdentityReader.read(certificate);
    if (identity.spiffeId().isPresent()) {
      return identity.spiffeId().get().toString();
    }
    if (!identity.dnsSans().isEmpty()) {
      return normalise(String.join(",", identity.dnsSans()));
    }
    return identity.subjectDn();
  }

  /**
   * Refuses {@code next}, which is to replace {@code inForce}, unless it names the identity
   * expected: {@code pinned} when the operator set one, otherwise that of {@code inForce}. The
   * first credential a key source loads replaces nothing and is not compared (a pin must not keep a
   * restarted server from serving what it has until the new identity arrives).
   *
   * @throws PortcullisException {@code PRTC0555E} naming both identities
   */
  static void keeps(
      String keySource,
      Optional<X509Certificate> inForce,
      X509Certificate next,
      Optional<String> pinned)
      throws PortcullisException {
    if (inForce.isEmpty()) {
      return;
    }
    String expected = pinned.isPresent() ? pinned.get() : ofOrUnreadable(inForce.get());
    String named = of(next);
    if (!named.equals(expected)) {
      throw KeySourceMessage.RENEWAL_IDENTITY_CHANGED.exception(
          next.getSerialNumber().toString(16),
          keySource,
          named,
          expected,
          pinned.isPresent() ? "expectedIdentity" : "the certificate in force");
    }
  }

  private static String ofOrUnreadable(X509Certificate certificate) {
    try {
      return of(certificate);
    } catch (PortcullisException e) {
      return "\u0000unreadable"; // an unreadable identity in force matches no new certificate
    }
  }
}
