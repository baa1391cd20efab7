package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Certificates refused at once, before and regardless of CRLs: by serial number ({@code
 * serial:0a1b...}) or SHA-256 fingerprint ({@code sha256:<64 hex>}, or the bare hex). Operators
 * edit it without a restart ({@link #replace}, {@link #reloadFrom}, {@link #watch}); every change
 * invalidates cached trust decisions. Lines starting with {@code #} are comments.
 */
public final class DenyList {
  private static final System.Logger LOG = System.getLogger(DenyList.class.getName());

  private record Entries(Set<BigInteger> serials, Set<String> fingerprints) {
    boolean isEmpty() {
      return serials.isEmpty() && fingerprints.isEmpty();
    }
  }

  private volatile Entries entries = new Entries(Set.of(), Set.of());
  private FileTime lastSeen;

  /** An empty deny-list. */
  public static DenyList empty() {
    return new DenyList();
  }

  /**
   * A deny-list holding {@code entries}.
   *
   * @throws PortcullisException {@code PRTC0137E} for an entry that is neither a serial nor a
   *     fingerprint
   */
  public static DenyList of(Collection<String> entries) throws PortcullisException {
    DenyList list = new DenyList();
    list.replace(entries);
    return list;
  }

  /** Replaces every entry at once; on a bad entry nothing changes. */
  public void replace(Collection<String> lines) throws PortcullisException {
    Set<BigInteger> serials = new HashSet<>();
    Set<String> fingerprints = new HashSet<>();
    for (String raw : lines) {
      String line = raw == null ? "" : raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      try {
        if (lower.startsWith("serial:")) {
          serials.add(new BigInteger(hex(lower.substring(7)), 16));
        } else {
          String fp = hex(lower.startsWith("sha256:") ? lower.substring(7) : lower);
          if (fp.length() != 64) {
            throw new NumberFormatException("a SHA-256 fingerprint has 64 hex digits");
          }
          HexFormat.of().parseHex(fp);
          fingerprints.add(fp);
        }
      } catch (IllegalArgumentException e) {
        throw CoreMessage.DENY_LIST_ENTRY_INVALID.exception(line, e.getMessage());
      }
    }
    entries = new Entries(Set.copyOf(serials), Set.copyOf(fingerprints));
    TrustChanges.changed();
  }

  /**
   * Reloads from a file; a file that cannot be read or holds a bad entry leaves the list as it was
   * and logs {@code PRTC0132W}. Returns whether the list was replaced.
   */
  public synchronized boolean reloadFrom(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      replace(lines);
      lastSeen = Files.getLastModifiedTime(file);
      return true;
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          CoreMessage.DENY_LIST_LOAD_FAILED.format(file, e.toString()));
    } catch (PortcullisException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          CoreMessage.DENY_LIST_LOAD_FAILED.format(file, e.getMessage()));
    }
    return false;
  }

  /** Reloads {@code file} whenever its modification time changes, checking every {@code poll}. */
  public ScheduledFuture<?> watch(Path file, ScheduledExecutorService executor, Duration poll) {
    reloadFrom(file);
    return executor.scheduleWithFixedDelay(
        () -> {
          try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(lastSeenTime())) {
              reloadFrom(file);
            }
          } catch (IOException e) {
            LOG.log(
                System.Logger.Level.WARNING,
                CoreMessage.DENY_LIST_LOAD_FAILED.format(file, e.toString()));
          }
        },
        poll.toMillis(),
        poll.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private synchronized FileTime lastSeenTime() {
    return lastSeen;
  }

  /** The entry that denies {@code certificate}, if any. */
  public Optional<String> denies(X509Certificate certificate) {
    Entries current = entries;
    if (current.isEmpty()) {
      return Optional.empty();
    }
    if (current.serials().contains(certificate.getSerialNumber())) {
      return Optional.of("serial:" + certificate.getSerialNumber().toString(16));
    }
    if (!current.fingerprints().isEmpty()) {
      String fp = sha256(certificate);
      if (current.fingerprints().contains(fp)) {
        return Optional.of("sha256:" + fp);
      }
    }
    return Optional.empty();
  }

  /** How many entries the list holds. */
  public int size() {
    Entries current = entries;
    return current.serials().size() + current.fingerprints().size();
  }

  private static String hex(String text) {
    String digits = text.strip().replace(":", "");
    if (digits.isEmpty()) {
      throw new NumberFormatException("no hex digits");
    }
    return digits;
  }

  static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      return "";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
