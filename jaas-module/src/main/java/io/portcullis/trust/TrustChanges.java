package io.portcullis.trust;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter every change to revocation data (CRL refresh, deny-list edit) moves forward. Cached
 * trust decisions remember the value they were made under and are discarded when it has moved, so a
 * revocation takes effect on the very next request. One counter for the whole JVM keeps the check
 * to a single volatile read; an unrelated change only costs a re-validation.
 */
final class TrustChanges {
  private static final AtomicLong VERSION = new AtomicLong();

  private TrustChanges() {}

  static long current() {
    return VERSION.get();
  }

  static void changed() {
    VERSION.incrementAndGet();
  }
}
