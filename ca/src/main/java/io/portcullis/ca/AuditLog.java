package io.portcullis.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.PortcullisException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The append-only audit log: one JSON object per line, forced to disk before the operation it
 * records is reported done. Entries are never rewritten. Fields: {@code time}, {@code event} (init,
 * area-create, area-retire, register, token, issue-intent, issue, renew-intent, renew, revoke, crl,
 * refuse), {@code operator}, {@code workload}, {@code area}, {@code serial}, {@code sha256}, {@code
 * previous}, {@code messageId}, {@code detail}, and {@code chain}.
 *
 * <p>The log is a hash chain: each entry's {@code chain} is the SHA-256 of the line before it (of
 * 64 zeros for the first), so a line changed or removed breaks the link of the line after it. The
 * head file beside it ({@code audit.jsonl.head}: how many lines, and the SHA-256 of the last) makes
 * lines removed from the end show too. {@link #verify} names the first entry that does not hold.
 * Whoever can write the state directory can rewrite the whole chain and its head; copy the head
 * elsewhere now and then ({@code portcullis ca audit verify} prints it) to catch that too.
 */
final class AuditLog {
  private final Path file;
  private final ObjectMapper json;

  /** How a line reaches the file; tests put faults in its way. */
  interface Appender {
    void append(Path file, String line) throws IOException;
  }

  private volatile Appender appender = AtomicFiles::appendLine;

  /** Appends through {@code appender} from now on (tests: a disk that fills up). */
  void appendWith(Appender appender) {
    this.appender = appender;
  }

  AuditLog(Path file, ObjectMapper json) {
    this.file = file;
    this.json = json;
  }

  /**
   * One audit entry; null fields are left out. Made by the factory named for its event, so each
   * event always fills the same fields.
   */
  record Entry(
      Instant time,
      String event,
      String operator,
      String workload,
      String area,
      String serial,
      String sha256,
      String previous,
      String messageId,
      String detail) {

    /** The root ceremony: the root certificate's serial and fingerprint. */
    static Entry init(Instant time, String operator, String serial, String sha256, String detail) {
      return new Entry(time, "init", operator, null, null, serial, sha256, null, null, detail);
    }

    /** A new area and its intermediate. */
    static Entry areaCreated(
        Instant time, String operator, String area, String serial, String sha256, String detail) {
      return new Entry(
          time, "area-create", operator, null, area, serial, sha256, null, null, detail);
    }

    /** A retired area; serial and fingerprint are its intermediate's, now revoked. */
    static Entry areaRetired(
        Instant time, String operator, String area, String serial, String sha256, String detail) {
      return new Entry(
          time, "area-retire", operator, null, area, serial, sha256, null, null, detail);
    }

    /**
     * A root rollover step ({@code root-next}, {@code root-activate}, {@code root-retire}): serial
     * and fingerprint are the root certificate the step is about.
     */
    static Entry rootRollover(
        Instant time, String event, String operator, String serial, String sha256, String detail) {
      return new Entry(time, event, operator, null, null, serial, sha256, null, null, detail);
    }

    /** A CRL re-signed: an area's, or the root's ({@code area} "root"). */
    static Entry crl(Instant time, String operator, String area, String detail) {
      return new Entry(time, "crl", operator, null, area, null, null, null, null, detail);
    }

    /** A vetted workload registered, with what was approved. */
    static Entry registered(
        Instant time, String operator, String workload, String area, String detail) {
      return new Entry(time, "register", operator, workload, area, null, null, null, null, detail);
    }

    /** A fresh join token for a registered workload. */
    static Entry joinToken(
        Instant time, String operator, String workload, String area, String detail) {
      return new Entry(time, "token", operator, workload, area, null, null, null, null, detail);
    }

    /**
     * A certificate issued: a first issuance ({@code issue}) when {@code previous} is null, else a
     * renewal ({@code renew}) of the certificate with that fingerprint.
     */
    static Entry issued(
        Instant time,
        String operator,
        String workload,
        String area,
        String serial,
        String sha256,
        String previous,
        String detail) {
      return new Entry(
          time,
          previous == null ? "issue" : "renew",
          operator,
          workload,
          area,
          serial,
          sha256,
          previous,
          null,
          detail);
    }

    /**
     * A certificate about to be issued ({@code issue-intent}) or renewed ({@code renew-intent}):
     * written before anything changes, so an issuance cut short by a crash or a full disk is on
     * record; the {@code issue} or {@code renew} entry, or a {@code refuse}, says how it ended.
     */
    static Entry intent(
        Instant time,
        String operator,
        String workload,
        String area,
        String serial,
        String sha256,
        String previous,
        String detail) {
      Entry issued = issued(time, operator, workload, area, serial, sha256, previous, detail);
      return new Entry(
          time,
          issued.event() + "-intent",
          operator,
          workload,
          area,
          serial,
          sha256,
          previous,
          null,
          detail);
    }

    /** A certificate revoked; {@code previous} is the one it had renewed, if any. */
    static Entry revoked(
        Instant time,
        String operator,
        String workload,
        String area,
        String serial,
        String sha256,
        String previous,
        String detail) {
      return new Entry(
          time, "revoke", operator, workload, area, serial, sha256, previous, null, detail);
    }

    /** A refused operation, with the message ID of the reason; it changed nothing else. */
    static Entry refused(
        Instant time,
        String operator,
        String workload,
        String area,
        String messageId,
        String detail) {
      return new Entry(
          time, "refuse", operator, workload, area, null, null, null, messageId, detail);
    }
  }

  /** The link of the first entry. */
  static final String GENESIS = "0".repeat(64);

  /** How many lines the log holds and the SHA-256 of its last line. */
  record Head(long entries, String last) {
    @Override
    public String toString() {
      return entries + " " + last;
    }
  }

  /**
   * What {@link #verify} found: how many entries, how many of them came before the chain (written
   * by a version that kept none), the head, and the first fault.
   */
  record Verification(long entries, long unchained, Head head, java.util.Optional<String> fault) {
    boolean intact() {
      return fault.isEmpty();
    }
  }

  Path headFile() {
    return file.resolveSibling(file.getFileName() + ".head");
  }

  void append(Entry entry) throws PortcullisException {
    Head head = head();
    ObjectNode node = json.createObjectNode();
    node.put("time", entry.time().toString());
    node.put("event", entry.event());
    put(node, "operator", entry.operator());
    put(node, "workload", entry.workload());
    put(node, "area", entry.area());
    put(node, "serial", entry.serial());
    put(node, "sha256", entry.sha256());
    put(node, "previous", entry.previous());
    put(node, "messageId", entry.messageId());
    put(node, "detail", entry.detail());
    node.put("chain", head.last());
    try {
      String line = json.writeValueAsString(node);
      appender.append(file, line);
      writeHead(new Head(head.entries() + 1, sha256(line)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit entry always serializes", e);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }

  /**
   * The head the next entry links to, checked against the log's last line: a log whose end does not
   * match its head was cut or changed, and gets no entry more ({@code PRTC0440E}) until an operator
   * has looked ({@link #verify}). A head one line behind, whose log's last line links to it, is
   * what a crash between the two writes leaves: it is brought forward.
   */
  private Head head() throws PortcullisException {
    try {
      java.util.Optional<String> last = lastLine();
      if (!java.nio.file.Files.exists(headFile())) {
        if (last.isEmpty()) {
          return new Head(0, GENESIS);
        }
        // A log from before the chain: the chain starts after its last line.
        long lines;
        try (var all = java.nio.file.Files.lines(file, java.nio.charset.StandardCharsets.UTF_8)) {
          lines = all.count();
        }
        return new Head(lines, sha256(last.get()));
      }
      Head head = readHead();
      if (last.isEmpty()) {
        if (head.entries() == 0) {
          return head;
        }
        throw CaMessage.AUDIT_BROKEN.exception(
            file, "it is empty, but its head records " + head.entries() + " entries");
      }
      String lastHash = sha256(last.get());
      if (lastHash.equals(head.last())) {
        return head;
      }
      if (head.last().equals(link(last.get()))) {
        Head forward = new Head(head.entries() + 1, lastHash);
        writeHead(forward);
        return forward;
      }
      throw CaMessage.AUDIT_BROKEN.exception(
          file,
          "its last entry is not the one its head records ("
              + head
              + "): entries were removed from its end, or changed; run portcullis ca audit verify");
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }

  /** Checks every link of the log and its head; names the first entry that does not hold. */
  Verification verify() throws PortcullisException {
    long entries = 0;
    long unchained = 0;
    String previous = null;
    String beforePrevious = null;
    boolean chained = false;
    java.util.Optional<String> fault = java.util.Optional.empty();
    if (java.nio.file.Files.exists(file)) {
      try (var reader =
          java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          entries++;
          String link;
          try {
            link = link(line);
          } catch (IOException e) {
            fault = java.util.Optional.of("entry " + entries + " is not an audit entry");
            break;
          }
          if (link == null) {
            if (chained) {
              fault =
                  java.util.Optional.of(
                      "entry " + entries + " has no link to entry " + (entries - 1));
              break;
            }
            unchained++;
          } else {
            String expected = previous == null ? GENESIS : sha256(previous);
            if (!link.equals(expected)) {
              fault =
                  java.util.Optional.of(
                      entries == 1
                          ? "entry 1 does not start the log: entries before it were removed"
                          : "entry "
                              + entries
                              + " does not follow entry "
                              + (entries - 1)
                              + ": entry "
                              + (entries - 1)
                              + " was changed, or entries between them were removed");
              break;
            }
            chained = true;
          }
          beforePrevious = previous;
          previous = line;
        }
      } catch (IOException e) {
        throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
      }
    }
    Head actual = new Head(entries, previous == null ? GENESIS : sha256(previous));
    if (fault.isEmpty() && java.nio.file.Files.exists(headFile())) {
      Head recorded;
      try {
        recorded = readHead();
      } catch (IOException e) {
        throw CaMessage.WRITE_FAILED.causedBy(e, headFile(), e.getMessage());
      }
      boolean matches = recorded.equals(actual);
      boolean crashed =
          recorded.entries() == entries - 1
              && beforePrevious != null
              && recorded.last().equals(sha256(beforePrevious));
      if (!matches && !crashed) {
        fault =
            java.util.Optional.of(
                "the log holds "
                    + entries
                    + " entries ending with "
                    + actual.last()
                    + ", its head records "
                    + recorded
                    + ": entries were removed from its end, or its last entry was changed");
      }
    } else if (fault.isEmpty() && chained) {
      fault = java.util.Optional.of("its head file " + headFile() + " is missing");
    }
    return new Verification(entries, unchained, actual, fault);
  }

  private Head readHead() throws IOException {
    String[] parts =
        java.nio.file.Files.readString(headFile(), java.nio.charset.StandardCharsets.UTF_8)
            .strip()
            .split(" ");
    if (parts.length != 2 || !parts[1].matches("[0-9a-f]{64}")) {
      throw new IOException("not an audit head: " + headFile());
    }
    try {
      return new Head(Long.parseLong(parts[0]), parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an audit head: " + headFile(), e);
    }
  }

  private void writeHead(Head head) throws IOException {
    AtomicFiles.write(
        headFile(), (head + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  /** The {@code chain} field of {@code line}, or null when it has none. */
  private String link(String line) throws IOException {
    com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
    if (node == null || !node.isObject()) {
      throw new IOException("not a JSON object");
    }
    com.fasterxml.jackson.databind.JsonNode chain = node.get("chain");
    return chain == null ? null : chain.asText();
  }

  /** The log's last line, read from its end. */
  private java.util.Optional<String> lastLine() throws IOException {
    if (!java.nio.file.Files.exists(file)) {
      return java.util.Optional.empty();
    }
    try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      if (end > 0) {
        in.seek(end - 1);
        if (in.read() == '\n') {
          end--;
        }
      }
      if (end <= 0) {
        return java.util.Optional.empty();
      }
      long start = end;
      java.io.ByteArrayOutputStream reversed = new java.io.ByteArrayOutputStream();
      while (start > 0) {
        in.seek(start - 1);
        int b = in.read();
        if (b == '\n') {
          break;
        }
        reversed.write(b);
        start--;
      }
      byte[] bytes = reversed.toByteArray();
      for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
        byte t = bytes[i];
        bytes[i] = bytes[j];
        bytes[j] = t;
      }
      return java.util.Optional.of(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  static String sha256(String line) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
