package io.portcullis.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.messages.PortcullisException;
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
 * Whoever can write the state directory can rewrite the whole chain and its head. Against that, a
 * witness: a second file, outside the state directory and best on another host's mount, named in
 * {@code audit.jsonl.witness} ({@code portcullis ca audit witness FILE}), that every append brings
 * up to date with the new head. Cutting or rewriting the log then shows as a log shorter than its
 * witness, or one whose entry at the witnessed count is another. A witness may lag by the entries
 * whose witness write failed, never lead.
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
      return issued.withEvent(issued.event() + "-intent");
    }

    /** This entry under another event name. */
    private Entry withEvent(String other) {
      return new Entry(
          time, other, operator, workload, area, serial, sha256, previous, messageId, detail);
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

    /** A witness named for the log: every later head is written to {@code witness} too. */
    static Entry witnessed(Instant time, String operator, Path witness) {
      return new Entry(
          time, "audit-witness", operator, null, null, null, null, null, null, WITNESS + witness);
    }

    /**
     * Refusals of one reason ({@code messageId}) for one workload that were counted, not recorded
     * one by one, in an interval that has ended: {@code detail} says how many and when.
     */
    static Entry refusalsHeldBack(
        Instant time,
        String operator,
        String workload,
        String area,
        String messageId,
        String detail) {
      return refused(time, operator, workload, area, messageId, detail).withEvent("refuse-summary");
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

  /** How a {@code register} entry's detail names the approver. */
  private static final java.util.regex.Pattern APPROVED_BY =
      java.util.regex.Pattern.compile("approvedBy=(\\S*)");

  /** How an {@code audit-witness} entry's detail names the witness. */
  private static final String WITNESS = "witness=";

  /**
   * A head someone vouches for: the witness file's, or one an operator copied elsewhere and gives
   * {@code ca audit verify}. The log must hold at least that many entries, the last of them that
   * one.
   */
  record Claim(String source, Head head) {}

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
  record Verification(
      long entries,
      long unchained,
      Head head,
      java.util.Optional<Path> witness,
      java.util.Optional<String> fault) {
    boolean intact() {
      return fault.isEmpty();
    }
  }

  Path headFile() {
    return file.resolveSibling(file.getFileName() + ".head");
  }

  /** Names the witness, when there is one: its absolute path, one line. */
  Path witnessPointer() {
    return file.resolveSibling(file.getFileName() + ".witness");
  }

  /** The witness the state directory names. */
  java.util.Optional<Path> witness() throws PortcullisException {
    Path pointer = witnessPointer();
    if (!java.nio.file.Files.exists(pointer)) {
      return java.util.Optional.empty();
    }
    try {
      String text =
          java.nio.file.Files.readString(pointer, java.nio.charset.StandardCharsets.UTF_8).strip();
      Path witness = Path.of(text);
      if (!witness.isAbsolute()) {
        throw CaMessage.STATE_UNREADABLE.exception(pointer, "not an absolute path");
      }
      return java.util.Optional.of(witness);
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, pointer, e.getMessage());
    }
  }

  /**
   * Names {@code witness} from now on and writes the log's head to it, recording the change as an
   * entry ({@code PRTC0440E} on a log that does not hold now: a witness vouches for nothing
   * broken). Run under the state directory's lock.
   */
  void witnessWith(Path witness, Instant now, String operator) throws PortcullisException {
    Verification current = verify(java.util.List.of());
    if (current.fault().isPresent()) {
      throw CaMessage.AUDIT_BROKEN.exception(file, current.fault().get());
    }
    writeWitness(witness, current.head());
    Path pointer = witnessPointer();
    byte[] before;
    try {
      before =
          java.nio.file.Files.exists(pointer) ? java.nio.file.Files.readAllBytes(pointer) : null;
      AtomicFiles.write(
          pointer, (witness + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, pointer, e.getMessage());
    }
    try {
      append(Entry.witnessed(now, operator, witness));
    } catch (PortcullisException e) {
      try {
        if (before == null) {
          java.nio.file.Files.deleteIfExists(pointer);
        } else {
          AtomicFiles.write(pointer, before, false);
        }
      } catch (IOException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  void append(Entry entry) throws PortcullisException {
    java.util.Optional<Path> witness = witness();
    Head head = head(witness);
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
      Head next = new Head(head.entries() + 1, sha256(line));
      writeHead(next);
      if (witness.isPresent()) {
        writeWitness(witness.get(), next);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit entry always serializes", e);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }

  /**
   * Writes {@code head} to the witness; a witness whose directory is gone (an unmounted share) is
   * an error, never made again on the local disk.
   */
  private void writeWitness(Path witness, Head head) throws PortcullisException {
    try {
      Path parent = witness.getParent();
      if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
        throw new IOException("its directory " + parent + " is not there");
      }
      AtomicFiles.write(
          witness, (head + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, witness, e.getMessage());
    }
  }

  /** What the witness file records. */
  Head readWitness(Path witness) throws PortcullisException {
    try {
      return readHead(witness);
    } catch (IOException e) {
      throw CaMessage.AUDIT_BROKEN.causedBy(
          e, file, "its witness cannot be read: " + e.getMessage());
    }
  }

  /**
   * The head the next entry links to, checked against the log's last line: a log whose end does not
   * match its head was cut or changed, and gets no entry more ({@code PRTC0440E}) until an operator
   * has looked ({@link #verify}). A head one line behind, whose log's last line links to it, is
   * what a crash between the two writes leaves: it is brought forward.
   */
  private Head head(java.util.Optional<Path> witness) throws PortcullisException {
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
      Head head = readHead(headFile());
      if (last.isEmpty()) {
        if (head.entries() == 0) {
          return head;
        }
        throw CaMessage.AUDIT_BROKEN.exception(
            file, "it is empty, but its head records " + head.entries() + " entries");
      }
      String lastHash = sha256(last.get());
      if (witness.isPresent()) {
        Head witnessed = readWitness(witness.get());
        if (witnessed.entries() == head.entries() && !witnessed.last().equals(lastHash)) {
          throw CaMessage.AUDIT_BROKEN.exception(
              file,
              "its last entry is not the one its witness "
                  + witness.get()
                  + " records: it was changed; run portcullis ca audit verify");
        }
        if (witnessed.entries() > head.entries() + 1) {
          throw CaMessage.AUDIT_BROKEN.exception(
              file,
              "its witness "
                  + witness.get()
                  + " records "
                  + witnessed.entries()
                  + " entries, more than it holds: entries were removed; run portcullis ca"
                  + " audit verify");
        }
      }
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

  /** Checks every link of the log, its head and its witness. */
  Verification verify() throws PortcullisException {
    return verify(java.util.List.of());
  }

  /**
   * Checks every link of the log, its head, its witness and {@code claims}; names the first entry
   * that does not hold.
   */
  Verification verify(java.util.List<Claim> claims) throws PortcullisException {
    java.util.Optional<Path> witness = witness();
    java.util.List<Claim> all = new java.util.ArrayList<>(claims);
    java.util.Optional<String> unreadable = java.util.Optional.empty();
    if (witness.isPresent()) {
      try {
        all.add(new Claim("its witness " + witness.get(), readHead(witness.get())));
      } catch (IOException e) {
        unreadable = java.util.Optional.of("its witness cannot be read: " + e.getMessage());
      }
    }
    java.util.Map<Long, String> claimedAt = new java.util.HashMap<>();
    for (Claim claim : all) {
      claimedAt.put(claim.head().entries(), null);
    }
    String lastWitnessed = null;
    long entries = 0;
    long unchained = 0;
    String previousHash = null;
    String beforePreviousHash = null;
    boolean chained = false;
    java.util.Optional<String> fault = unreadable;
    if (fault.isEmpty() && java.nio.file.Files.exists(file)) {
      try (var reader =
          java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          entries++;
          com.fasterxml.jackson.databind.JsonNode node;
          try {
            node = entry(line);
          } catch (IOException e) {
            fault = java.util.Optional.of("entry " + entries + " is not an audit entry");
            break;
          }
          String link = node.hasNonNull("chain") ? node.get("chain").asText() : null;
          if (link == null) {
            if (chained) {
              fault =
                  java.util.Optional.of(
                      "entry " + entries + " has no link to entry " + (entries - 1));
              break;
            }
            unchained++;
          } else {
            String expected = previousHash == null ? GENESIS : previousHash;
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
          if ("audit-witness".equals(node.path("event").asText())) {
            String detail = node.path("detail").asText();
            lastWitnessed =
                detail.startsWith(WITNESS) ? detail.substring(WITNESS.length()) : detail;
          }
          String hash = sha256(line);
          if (claimedAt.containsKey(entries)) {
            claimedAt.put(entries, hash);
          }
          beforePreviousHash = previousHash;
          previousHash = hash;
        }
      } catch (IOException e) {
        throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
      }
    }
    Head actual = new Head(entries, previousHash == null ? GENESIS : previousHash);
    if (fault.isEmpty() && java.nio.file.Files.exists(headFile())) {
      Head recorded;
      try {
        recorded = readHead(headFile());
      } catch (IOException e) {
        throw CaMessage.WRITE_FAILED.causedBy(e, headFile(), e.getMessage());
      }
      boolean matches = recorded.equals(actual);
      boolean crashed =
          recorded.entries() == entries - 1
              && beforePreviousHash != null
              && recorded.last().equals(beforePreviousHash);
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
    for (Claim claim : all) {
      if (fault.isPresent()) {
        break;
      }
      fault = mismatch(claim, entries, claimedAt.get(claim.head().entries()));
    }
    String named = witness.map(Path::toString).orElse(null);
    if (fault.isEmpty() && !java.util.Objects.equals(lastWitnessed, named)) {
      fault =
          java.util.Optional.of(
              lastWitnessed == null
                  ? "the state directory names the witness "
                      + named
                      + " that no entry of the log names"
                  : "the log's last audit-witness entry names "
                      + lastWitnessed
                      + ", the state directory "
                      + (named == null ? "none" : named)
                      + ": "
                      + witnessPointer()
                      + " was changed or removed");
    }
    return new Verification(entries, unchained, actual, witness, fault);
  }

  /** How the log differs from what {@code claim} vouches for, if it does. */
  private static java.util.Optional<String> mismatch(Claim claim, long entries, String found) {
    Head head = claim.head();
    if (head.entries() == 0) {
      return java.util.Optional.empty();
    }
    if (entries < head.entries()) {
      return java.util.Optional.of(
          "the log holds "
              + entries
              + " entries, "
              + claim.source()
              + " records "
              + head.entries()
              + ": entries were removed from its end");
    }
    if (!head.last().equals(found)) {
      return java.util.Optional.of(
          "entry "
              + head.entries()
              + " is not the one "
              + claim.source()
              + " records: it was changed, or entries up to it were removed and the chain"
              + " rewritten");
    }
    return java.util.Optional.empty();
  }

  /**
   * Where the log disagrees with a workload's lineage: a certificate without its {@code issue} or
   * {@code renew} entry (or one naming another predecessor), or a registration whose approver is
   * not the one its last {@code register} entry names. Reads the whole log.
   */
  java.util.Optional<String> disagreement(LineageReport lineage) throws PortcullisException {
    java.util.Map<String, String> issued = new java.util.HashMap<>(); // sha256 -> previous or ""
    String approvedBy = null;
    if (java.nio.file.Files.exists(file)) {
      try (var reader =
          java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          com.fasterxml.jackson.databind.JsonNode node = entry(line);
          if (!lineage.spiffeId().equals(node.path("workload").asText())) {
            continue;
          }
          String event = node.path("event").asText();
          if (event.equals("issue") || event.equals("renew")) {
            issued.put(node.path("sha256").asText(), node.path("previous").asText(""));
          } else if (event.equals("register")) {
            java.util.regex.Matcher approver = APPROVED_BY.matcher(node.path("detail").asText());
            approvedBy = approver.find() ? approver.group(1) : "";
          }
        }
      } catch (IOException e) {
        throw CaMessage.AUDIT_BROKEN.causedBy(e, file, e.getMessage());
      }
    }
    if (approvedBy == null) {
      return java.util.Optional.of(
          "no register entry for " + lineage.spiffeId() + ": its registration is not on record");
    }
    if (!approvedBy.equals(lineage.approvedBy())) {
      return java.util.Optional.of(
          "the registration of "
              + lineage.spiffeId()
              + " names approvedBy="
              + lineage.approvedBy()
              + ", its register entry approvedBy="
              + approvedBy);
    }
    for (LineageEntry certificate : lineage.certificates()) {
      String previous = issued.get(certificate.sha256());
      if (previous == null) {
        return java.util.Optional.of(
            "certificate "
                + certificate.sha256()
                + " (serial "
                + certificate.serial()
                + ") has no issue or renew entry");
      }
      if (!previous.equals(certificate.previousSha256().orElse(""))) {
        return java.util.Optional.of(
            "certificate "
                + certificate.sha256()
                + " renews "
                + certificate.previousSha256().orElse("nothing")
                + " by its registration, "
                + (previous.isEmpty() ? "nothing" : previous)
                + " by its audit entry");
      }
    }
    return java.util.Optional.empty();
  }

  /** Parses {@code text} as a head: the number of entries and the SHA-256 of the last. */
  static Head parseHead(String text) throws IOException {
    String[] parts = text.strip().split(" ");
    if (parts.length != 2 || !parts[1].matches("[0-9a-f]{64}")) {
      throw new IOException("not an audit head (entries, then a SHA-256 in hex)");
    }
    try {
      long entries = Long.parseLong(parts[0]);
      if (entries < 0) {
        throw new IOException("not an audit head: a negative count");
      }
      return new Head(entries, parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an audit head: " + parts[0] + " is no count", e);
    }
  }

  private static Head readHead(Path file) throws IOException {
    try {
      return parseHead(
          java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private void writeHead(Head head) throws IOException {
    AtomicFiles.write(
        headFile(), (head + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  /** The {@code chain} field of {@code line}, or null when it has none. */
  private String link(String line) throws IOException {
    com.fasterxml.jackson.databind.JsonNode chain = entry(line).get("chain");
    return chain == null ? null : chain.asText();
  }

  private com.fasterxml.jackson.databind.JsonNode entry(String line) throws IOException {
    com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
    if (node == null || !node.isObject()) {
      throw new IOException("not a JSON object");
    }
    return node;
  }

  /** The log's last line, read from its end a block at a time. */
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
      while (start > 0) {
        int size = (int) Math.min(TAIL_BLOCK, start);
        byte[] block = new byte[size];
        in.seek(start - size);
        in.readFully(block);
        int newline = -1;
        for (int i = size - 1; i >= 0 && newline < 0; i--) {
          if (block[i] == '\n') {
            newline = i;
          }
        }
        if (newline >= 0) {
          start = start - size + newline + 1;
          break;
        }
        start -= size;
      }
      byte[] line = new byte[(int) (end - start)];
      in.seek(start);
      in.readFully(line);
      return java.util.Optional.of(new String(line, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static final int TAIL_BLOCK = 4096;

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
