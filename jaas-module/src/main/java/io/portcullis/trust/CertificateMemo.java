package io.portcullis.trust;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers answers that are a pure function of a certificate: the per-certificate checks of {@link
 * PathChecks#certificate} for certificates the JDK has already validated a path for, and what the
 * validator reads of a presented certificate before the JDK sees it (its names' facts and key
 * identifiers). The area's intermediates and returning callers are checked once, not on every
 * handshake. Keys compare certificates by DER encoding (so a re-parsed copy hits), position,
 * purpose and the anchor whose name constraints applied; the answer is a pure function of those and
 * the area's fixed policy. Bounded: when full it starts again, so presenting fresh certificates
 * only costs re-checking them.
 */
final class CertificateMemo<V> {
  /** Default number of remembered answers per area. */
  static final int DEFAULT_SIZE = 4096;

  private record Key(X509Certificate cert, boolean leaf, Purpose purpose, X509Certificate anchor) {}

  private final Map<Key, V> answers = new ConcurrentHashMap<>();
  private final int maxEntries;

  CertificateMemo(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /**
   * The remembered answer for {@code cert}, or {@code checks}' answer, remembered.
   *
   * @param checks computes the answer; never answers {@code null}
   * @return what {@code checks} answers for the certificate
   */
  V answer(
      X509Certificate cert,
      boolean leaf,
      Purpose purpose,
      X509Certificate anchor,
      Supplier<V> checks) {
    if (maxEntries <= 0) {
      return checks.get();
    }
    Key key = new Key(cert, leaf, purpose, anchor);
    V known = answers.get(key);
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
