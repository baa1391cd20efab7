package io.portcullis.trust;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepted decisions keyed by the presented chain (compared by DER encoding) and purpose. An entry
 * ends at the earliest of its certificates' notAfter and the area's next CRL refresh, and as soon
 * as any CRL or deny-list changes ({@link TrustChanges}). Bounded: when full, stale entries go
 * first, then arbitrary ones, so an attacker presenting fresh chains only costs re-validation.
 */
final class ChainCache {
  record Key(List<X509Certificate> chain, Purpose purpose) {}

  private record Entry(TrustDecision.Accepted decision, Instant expiresAt, long version) {}

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final int maxEntries;

  ChainCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  TrustDecision.Accepted get(Key key, Instant now) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (entry.version() != TrustChanges.current() || !now.isBefore(entry.expiresAt())) {
      entries.remove(key, entry);
      return null;
    }
    return entry.decision();
  }

  void put(Key key, TrustDecision.Accepted decision, Instant expiresAt, long version, Instant now) {
    if (maxEntries <= 0 || !now.isBefore(expiresAt)) {
      return;
    }
    if (entries.size() >= maxEntries) {
      evict(now);
    }
    entries.put(key, new Entry(decision, expiresAt, version));
  }

  int size() {
    return entries.size();
  }

  private void evict(Instant now) {
    long version = TrustChanges.current();
    entries.values().removeIf(e -> e.version() != version || !now.isBefore(e.expiresAt()));
    int excess = entries.size() - maxEntries + Math.max(1, maxEntries / 10);
    Iterator<Key> keys = entries.keySet().iterator();
    while (excess-- > 0 && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }
}
