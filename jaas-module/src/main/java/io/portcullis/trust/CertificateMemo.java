package io.portcullis.trust;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers the per-certificate checks of {@link PathChecks#certificate} for certificates the JDK
 * has already validated a path for: the area's intermediates and returning callers are checked
 * once, not on every handshake. Keys compare certificates by DER encoding (so a re-parsed copy
 * hits), position, purpose and the anchor whose name constraints applied; the answer is a pure
 * function of those and the area's fixed policy. Bounded: when full it starts again, so presenting
 * fresh certificates only costs re-checking them.
 */
final class CertificateMemo {
  /** Default number of remembered answers per area. */
  static final int DEFAULT_SIZE = 4096;

  private record Key(X509Certificate cert, boolean leaf, Purpose purpose, X509Certificate anchor) {}

  private final Map<Key, Optional<TrustDecision>> answers = new ConcurrentHashMap<>();
  private final int maxEntries;

  CertificateMemo(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /**
   * The remembered answer for {@code cert}, or {@code checks}' answer, remembered.
   *
   * @return the certificate's rejection, or empty when it passes
   */
  Optional<TrustDecision> answer(
      X509Certificate cert,
      boolean leaf,
      Purpose purpose,
      X509Certificate anchor,
      Supplier<Optional<TrustDecision>> checks) {
    if (maxEntries <= 0) {
      return checks.get();
    }
    Key key = new Key(cert, leaf, purpose, anchor);
    Optional<TrustDecision> known = answers.get(key);
    if (known == null) {
      known = checks.get();
      if (answers.size() >= maxEntries) {
        answers.clear();
      }
      answers.put(key, known);
    }
    return known;
  }

  int size() {
    return answers.size();
  }
}
