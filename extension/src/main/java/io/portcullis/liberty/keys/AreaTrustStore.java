package io.portcullis.liberty.keys;

import io.portcullis.messages.CoreMessage;
import java.io.IOException;
import java.io.InputStream;
import java.security.Key;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The read-only trust store behind {@code <keyStore type="PortcullisTrust">}: one trusted
 * certificate entry per anchor of the enabled trust areas of {@code <usr_portcullis>}, so that
 * Liberty's TLS handshake and the areas trust the same roots, from one configuration. When the
 * areas change (server.xml, or their certificate files replaced during a root rollover), the
 * interceptor {@linkplain #publish publishes} the new anchors and Liberty loads this store again
 * (its location is a small state file the publication rewrites, as for the key sources).
 *
 * <p>Anchors only: a caller sends its intermediates (or the area lists them, for the area's own
 * check); trusting an intermediate in the handshake would let its leaves past a root removed from
 * the areas.
 */
public final class AreaTrustStore extends ReadOnlyKeyStoreSpi {
  private static final Logger LOG = Logger.getLogger(AreaTrustStore.class.getName());

  /** Where the state file is: {@code ${server.output.dir}/portcullis/trust-areas}. */
  static final String LOCATION = "portcullis/trust-areas";

  private static final Object LOCK = new Object();
  private static List<X509Certificate> published = List.of();
  private static long generation;

  private final Duration wait;
  private Map<String, X509Certificate> entries = Map.of();

  AreaTrustStore() {
    this(KeySourceKeyStore.CONFIGURATION_WAIT);
  }

  AreaTrustStore(Duration wait) {
    this.wait = wait;
  }

  /**
   * Makes {@code anchors} what the store serves from its next load, and tells Liberty to load it
   * (outside Liberty: only the former). The same anchors as before, in any order, change nothing: a
   * rebuild of the areas for a new intermediate or rule does not make Liberty reload its trust.
   *
   * @return whether the anchors changed (and Liberty was told)
   */
  public static boolean publish(List<X509Certificate> anchors) {
    long next;
    synchronized (LOCK) {
      List<X509Certificate> distinct = List.copyOf(new LinkedHashSet<>(anchors));
      if (generation > 0 && Set.copyOf(distinct).equals(Set.copyOf(published))) {
        return false;
      }
      published = distinct;
      next = ++generation;
      LOCK.notifyAll();
    }
    KeySourceState.announce(LOCATION, next);
    return true;
  }

  /**
   * Writes the state file if the server has none from this run yet: Liberty refuses a key store
   * whose location does not exist, and the first load then waits for the first anchors.
   */
  public static void prepare() {
    long current;
    synchronized (LOCK) {
      current = generation;
    }
    KeySourceState.announce(LOCATION, current);
  }

  /** Back to "nothing published yet" (tests). */
  static void reset() {
    synchronized (LOCK) {
      published = List.of();
      generation = 0;
    }
  }

  @Override
  public void engineLoad(InputStream stream, char[] password) throws IOException {
    long wanted = Math.max(1, KeySourceState.generationIn(stream, KeySourceRegistry.RUN));
    List<X509Certificate> anchors;
    Instant deadline = Instant.now().plus(wait);
    synchronized (LOCK) {
      while (generation < wanted) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          break;
        }
        try {
          LOCK.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      anchors = published;
    }
    if (anchors.isEmpty()) {
      String message = CoreMessage.TRUST_STORE_EMPTY.format(wait.toSeconds());
      LOG.severe(message);
      throw new IOException(message);
    }
    Map<String, X509Certificate> loaded = new LinkedHashMap<>();
    Set<String> aliases = new HashSet<>();
    for (X509Certificate anchor : anchors) {
      String alias = "anchor-" + anchor.getSerialNumber().toString(16);
      for (int i = 2; !aliases.add(alias); i++) {
        alias = "anchor-" + anchor.getSerialNumber().toString(16) + "-" + i;
      }
      loaded.put(alias, anchor);
    }
    entries = Collections.unmodifiableMap(loaded);
  }

  @Override
  public Key engineGetKey(String alias, char[] password) {
    return null;
  }

  @Override
  public Certificate[] engineGetCertificateChain(String alias) {
    return null;
  }

  @Override
  public Certificate engineGetCertificate(String alias) {
    return entries.get(alias);
  }

  @Override
  public Date engineGetCreationDate(String alias) {
    X509Certificate anchor = entries.get(alias);
    return anchor == null ? null : anchor.getNotBefore();
  }

  @Override
  public Enumeration<String> engineAliases() {
    return Collections.enumeration(entries.keySet());
  }

  @Override
  public boolean engineContainsAlias(String alias) {
    return entries.containsKey(alias);
  }

  @Override
  public int engineSize() {
    return entries.size();
  }

  @Override
  public boolean engineIsKeyEntry(String alias) {
    return false;
  }

  @Override
  public boolean engineIsCertificateEntry(String alias) {
    return entries.containsKey(alias);
  }

  @Override
  public String engineGetCertificateAlias(Certificate cert) {
    for (Map.Entry<String, X509Certificate> entry : entries.entrySet()) {
      if (entry.getValue().equals(cert)) {
        return entry.getKey();
      }
    }
    return null;
  }
}
