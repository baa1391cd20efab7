package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.CaConfig;
import io.portcullis.identity.IdentityReader;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * What every part of the CA shares: the state directory and its records, the audit log, time and
 * randomness, and the one step every state change goes through ({@link #locked}): take the
 * directory's lock, run, and record a refusal with its message ID in the audit log.
 */
final class CaContext {
  final CaStore store;
  final CaConfig config;
  final AuditLog audit;
  final Clock clock;
  final SecureRandom random;
  final SigningProvider signing;

  /** How fast refusals can grow the audit log. */
  private final RefusalWindows refusals = new RefusalWindows(RefusalWindows.DEFAULT_INTERVAL);

  CaContext(CaStore store, Clock clock, SecureRandom random, SigningProvider signing)
      throws PortcullisException {
    this.store = store;
    this.config = store.config();
    store.certificate(store.rootCertFile()); // a directory without a root is no CA
    this.audit = new AuditLog(store.auditFile(), store.json());
    this.clock = clock;
    this.random = random;
    this.signing = signing;
  }

  /**
   * The active root, read from the state directory at each call: a root rollover activated by
   * another process (the ceremony runs from the CLI) is seen by a CA opened before it, such as
   * {@code ca serve}'s.
   */
  X509Certificate root() throws PortcullisException {
    return store.certificate(store.rootCertFile());
  }

  /** Where the ceremony put the root key (path or token), as recorded at {@code init}. */
  String rootKeyLocation() {
    return config.rootKeyKind() + ":" + config.rootKeyLocation();
  }

  Area toArea(AreaRecord record) throws PortcullisException {
    return new Area(
        record.name(),
        record.uriPrefix(),
        record.dnsSubtrees(),
        Duration.ofSeconds(record.maxLeafLifetimeSeconds()),
        store.certificate(store.areaCertFile(record.name())),
        record.retired());
  }

  AreaRecord liveArea(String name) throws PortcullisException {
    AreaRecord area = store.area(name).orElseThrow(() -> CaMessage.AREA_UNKNOWN.exception(name));
    if (area.retired()) {
      throw CaMessage.AREA_RETIRED.exception(name, area.retiredAt());
    }
    return area;
  }

  /** One state-changing step, run under the directory lock. */
  @FunctionalInterface
  interface Step<T> {
    T run() throws PortcullisException;
  }

  <T> T locked(String event, String operator, String workload, String area, Step<T> step)
      throws PortcullisException {
    return lockedWith(event, operator, new String[] {workload}, area, step);
  }

  <T> T locked(String event, String operator, String[] workload, Step<T> step)
      throws PortcullisException {
    return lockedWith(event, operator, workload, null, step);
  }

  /** {@code workload[0]} may be filled in by the step once it knows whom the request is for. */
  private <T> T lockedWith(
      String event, String operator, String[] workload, String area, Step<T> step)
      throws PortcullisException {
    return underLock(
        () -> {
          try {
            recordHeldBack(refusals.due(clock.instant()));
            return step.run();
          } catch (PortcullisException e) {
            refused(event, operator, workload[0], area, e);
            throw e;
          } catch (RuntimeException e) {
            PortcullisException wrapped =
                CaMessage.STEP_FAILED.causedBy(
                    e, event, e.getClass().getSimpleName() + ": " + e.getMessage());
            refused(event, operator, workload[0], area, wrapped);
            throw wrapped;
          }
        });
  }

  /** Runs {@code step} holding the state directory's lock ({@code PRTC0443E} if it stays held). */
  private <T> T underLock(Step<T> step) throws PortcullisException {
    try (FileChannel channel =
            FileChannel.open(
                store.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockWithin(channel, lockWait)) {
      if (!lock.isValid()) {
        throw new IOException("the lock was released at once");
      }
      return step.run();
    } catch (IOException e) {
      throw CaMessage.LOCK_FAILED.causedBy(e, store.lockFile(), e.getMessage());
    }
  }

  /**
   * How long a step waits for the directory lock another process holds (a CLI step, a hung process,
   * a slow network file system) before it gives up with {@code PRTC0443E}: a renewal in a server
   * then fails as any attempt does and backs off, instead of blocking its thread for good. Measured
   * in real time, whatever clock the CA runs on. Tests shorten it.
   */
  static volatile Duration lockWait = Duration.ofSeconds(30);

  /**
   * The directory lock, waiting at most {@code wait} for another holder: another process's lock
   * answers {@code null}, this process's own (another thread's step) an overlap; both are waited
   * for.
   */
  private FileLock lockWithin(FileChannel channel, Duration wait)
      throws IOException, PortcullisException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock != null) {
        return lock;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw CaMessage.LOCK_HELD.exception(store.lockFile(), wait);
      }
      try {
        Thread.sleep(LOCK_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CaMessage.LOCK_HELD.exception(store.lockFile(), "an interrupt");
      }
    }
  }

  private static final long LOCK_POLL_MILLIS = 50;

  /**
   * Appends the summaries of refusals held back; one that cannot be written is lost with a warning,
   * never in the way of the step.
   */
  private void recordHeldBack(java.util.List<Entry> summaries) {
    for (Entry summary : summaries) {
      try {
        audit.append(summary);
      } catch (PortcullisException e) {
        java.util.logging.Logger.getLogger(CaContext.class.getName()).warning(e.getMessage());
      }
    }
  }

  /** Writes what refusals are held back, ended or not, under the lock (the CA stops serving). */
  void flushRefusals() throws PortcullisException {
    underLock(
        () -> {
          recordHeldBack(refusals.all(clock.instant()));
          return null;
        });
  }

  private void refused(
      String event, String operator, String workload, String area, PortcullisException cause) {
    Instant now = clock.instant();
    recordHeldBack(refusals.due(now));
    if (!refusals.admit(cause.messageId(), workload, area, operator, now)) {
      return;
    }
    try {
      audit.append(
          Entry.refused(
              clock.instant(),
              operator,
              workload,
              area,
              cause.messageId(),
              event + ": " + cause.getMessage()));
    } catch (PortcullisException e) {
      cause.addSuppressed(e);
    }
  }

  static Instant instant(String text, String where) throws PortcullisException {
    if (text == null) {
      throw CaMessage.STATE_UNREADABLE.exception(where, "missing time");
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, where, "bad time " + text);
    }
  }

  /** Lower-case hex SHA-256 of the certificate's DER. */
  public static String sha256(X509Certificate certificate) throws PortcullisException {
    return IdentityReader.sha256(certificate);
  }

  static byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
