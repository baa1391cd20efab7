package io.portcullis.liberty.keys;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.Key;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The read-only key store behind {@code <keyStore type="PortcullisKeySource">}: one key entry per
 * {@code <keySource>} of {@code <usr_portcullis>}, under the key source's name as alias, holding
 * the key (for a token, a handle: the key never leaves it) and its certificate chain, validated by
 * the key source (the certificate certifies the key).
 *
 * <p>{@link #engineLoad} loads every key source or none: when one fails (wrong PIN, token absent,
 * alias missing, certificate for another key) on the server's first load, the load fails with
 * {@code PRTC0525E}, so Liberty starts no SSL configuration on a half-configured identity. When a
 * later load (Liberty reloads its key stores on configuration changes) fails, the entries of the
 * last good load are served again with {@code PRTC0530W}, as long as their certificates are valid:
 * Liberty itself would otherwise stop the HTTPS port. The stream and password Liberty passes are
 * not used: the key sources have their own.
 */
final class KeySourceKeyStore extends ReadOnlyKeyStoreSpi {
  private static final Logger LOG = Logger.getLogger(KeySourceKeyStore.class.getName());

  /** How long a load waits for the first {@code <usr_portcullis>} configuration. */
  static final Duration CONFIGURATION_WAIT = Duration.ofSeconds(60);

  /** The entries of the last load that succeeded, in this server. */
  private static final AtomicReference<Map<String, KeyMaterial>> LAST_GOOD =
      new AtomicReference<>(Map.of());

  /**
   * Why a key source cannot be served now, by name, until the next load that succeeds: its load
   * failed (a token away, a wrong PIN), or the key probe found that its key no longer signs.
   */
  private static final Map<String, String> PROBLEMS = new ConcurrentHashMap<>();

  /** When each key source's certificate was first loaded to be served, by name. */
  private static final Map<String, Served> FIRST_SERVED = new ConcurrentHashMap<>();

  /** A certificate, by serial, and when a load first took it. */
  private record Served(BigInteger serial, Instant since) {}

  private final Duration wait;
  private Map<String, KeyMaterial> entries = Map.of();

  /** The entries of the last load that succeeded (what Liberty serves). */
  static Map<String, KeyMaterial> lastGood() {
    return LAST_GOOD.get();
  }

  /** Why each key source that cannot be served now cannot (the message, with its ID). */
  static Map<String, String> problems() {
    return Map.copyOf(PROBLEMS);
  }

  /** Forgets the problem of key source {@code name}: it loads now, though nothing serves it yet. */
  static void noProblem(String name) {
    PROBLEMS.remove(name);
  }

  /** Records that key source {@code name} cannot be served, until a load succeeds. */
  static void problem(String name, String message) {
    PROBLEMS.put(name, message);
  }

  /**
   * When a load first took the certificate key source {@code name} serves now, the point from which
   * new handshakes present it; empty when nothing is served.
   */
  static Optional<Instant> servedSince(String name) {
    return Optional.ofNullable(FIRST_SERVED.get(name)).map(Served::since);
  }

  /** Forgets the last good load (tests). */
  static void forgetLastGood() {
    LAST_GOOD.set(Map.of());
    PROBLEMS.clear();
    FIRST_SERVED.clear();
  }

  KeySourceKeyStore() {
    this(CONFIGURATION_WAIT);
  }

  KeySourceKeyStore(Duration wait) {
    this.wait = wait;
  }

  @Override
  public void engineLoad(InputStream stream, char[] password) throws IOException {
    KeySourceRegistry.Published published;
    try {
      published =
          KeySourceRegistry.await(KeySourceState.generationIn(stream, KeySourceRegistry.RUN), wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(KeySourceMessage.KEYSTORE_NOT_CONFIGURED.format(0), e);
    }
    if (published == null || (published.problem() == null && published.sources().isEmpty())) {
      throw refused(KeySourceMessage.KEYSTORE_NOT_CONFIGURED.format(wait.toSeconds()));
    }
    if (published.problem() != null) {
      entries = lastGoodOr(published.problem());
      return;
    }
    Map<String, KeyMaterial> loaded = new LinkedHashMap<>();
    for (Map.Entry<String, KeySource> source : published.sources().entrySet()) {
      try {
        KeyMaterial material = source.getValue().load();
        loaded.put(source.getKey(), material);
        LOG.info(
            KeySourceMessage.KEYSTORE_SERVES.format(
                source.getKey(),
                named(material.certificate()),
                material.certificate().getNotAfter().toInstant(),
                material.provider().getName()));
      } catch (PortcullisException | RuntimeException e) {
        String problem =
            KeySourceMessage.KEYSTORE_LOAD_FAILED.format(source.getKey(), e.getMessage());
        PROBLEMS.put(source.getKey(), problem);
        entries = lastGoodOr(problem);
        return;
      }
    }
    entries = Collections.unmodifiableMap(loaded);
    LAST_GOOD.set(entries);
    PROBLEMS.clear();
    Instant now = Instant.now();
    loaded.forEach(
        (name, material) -> {
          BigInteger serial = material.certificate().getSerialNumber();
          FIRST_SERVED.compute(
              name,
              (key, before) ->
                  before != null && before.serial().equals(serial)
                      ? before
                      : new Served(serial, now));
        });
  }

  /**
   * How a certificate is named in {@code PRTC0528I}: its subject, or, when the subject is empty
   * (ACME CAs issue such certificates), its alternative names.
   */
  static String named(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    if (!subject.isEmpty()) {
      return subject;
    }
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          String kind =
              switch ((Integer) san.get(0)) {
                case 2 -> "DNS:";
                case 6 -> "URI:";
                case 7 -> "IP:";
                default -> null;
              };
          if (kind != null) {
            names.add(kind + san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // named by its serial below
    }
    String serial = certificate.getSerialNumber().toString(16);
    return names.isEmpty()
        ? "serial " + serial + " (empty subject, no names)"
        : String.join(", ", names) + " (empty subject, serial " + serial + ")";
  }

  /**
   * What the server served before, when a reload fails: the identity it had is still valid, and a
   * broken token, PIN or configuration must not take the HTTPS port down. Only when there is none
   * (the first load) or one of its certificates has expired is the load refused.
   */
  private static Map<String, KeyMaterial> lastGoodOr(String problem) throws IOException {
    Map<String, KeyMaterial> previous = LAST_GOOD.get();
    Instant now = Instant.now();
    boolean usable =
        !previous.isEmpty()
            && previous.values().stream()
                .allMatch(m -> m.certificate().getNotAfter().toInstant().isAfter(now));
    if (!usable) {
      throw refused(problem);
    }
    LOG.warning(
        KeySourceMessage.KEYSTORE_KEEPS_LAST_GOOD.format(
            String.join(", ", previous.keySet()), problem));
    return previous;
  }

  private static IOException refused(String message) {
    LOG.severe(message);
    return new IOException(message);
  }

  @Override
  public Key engineGetKey(String alias, char[] password) {
    KeyMaterial material = entries.get(alias);
    return material == null ? null : material.privateKey();
  }

  @Override
  public Certificate[] engineGetCertificateChain(String alias) {
    KeyMaterial material = entries.get(alias);
    return material == null ? null : material.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public Certificate engineGetCertificate(String alias) {
    KeyMaterial material = entries.get(alias);
    return material == null ? null : material.certificate();
  }

  @Override
  public Date engineGetCreationDate(String alias) {
    KeyMaterial material = entries.get(alias);
    return material == null ? null : material.certificate().getNotBefore();
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
    return entries.containsKey(alias);
  }

  @Override
  public boolean engineIsCertificateEntry(String alias) {
    return false;
  }

  @Override
  public String engineGetCertificateAlias(Certificate cert) {
    for (Map.Entry<String, KeyMaterial> entry : entries.entrySet()) {
      if (entry.getValue().certificate().equals(cert)) {
        return entry.getKey();
      }
    }
    return null;
  }
}
