package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.PortcullisException;
import io.portcullis.ca.AuditLog.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log as a hash chain: whatever is changed, removed or cut shows, and where. */
class AuditChainTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  @TempDir Path dir;
  private Path file;
  private AuditLog log;

  @BeforeEach
  void fiveEntries() throws Exception {
    file = dir.resolve("audit.jsonl");
    log = new AuditLog(file, new ObjectMapper());
    log.append(Entry.init(NOW, "alice", "01", "aa", "root"));
    log.append(Entry.registered(NOW, "alice", "spiffe://corp/a", "payments", "approvedBy=alice"));
    log.append(Entry.joinToken(NOW, "alice", "spiffe://corp/a", "payments", "token"));
    log.append(Entry.refused(NOW, "mallory", "spiffe://corp/a", "payments", "PRTC0418E", "x"));
    log.append(Entry.issued(NOW, "bob", "spiffe://corp/a", "payments", "03", "cc", null, "d"));
  }

  private List<String> lines() throws Exception {
    return new ArrayList<>(Files.readAllLines(file));
  }

  @Test
  void anUntouchedLogIsIntactAndItsHeadNamesItsEnd() throws Exception {
    AuditLog.Verification check = log.verify();
    assertThat(check.intact()).isTrue();
    assertThat(check.entries()).isEqualTo(5);
    assertThat(check.head().last()).isEqualTo(AuditLog.sha256(lines().get(4)));
  }

  @Test
  void aChangedEntryBreaksTheLinkOfTheOneAfterIt() throws Exception {
    // Found by review: approvedBy changed and nothing noticed.
    List<String> lines = lines();
    lines.set(1, lines.get(1).replace("approvedBy=alice", "approvedBy=carol"));
    Files.write(file, lines);
    assertThat(log.verify().fault())
        .hasValueSatisfying(f -> assertThat(f).startsWith("entry 3 does not follow entry 2"));
  }

  @Test
  void removedEntriesShowInTheMiddleAndAtTheEnd() throws Exception {
    // Found by review: the issue and refuse lines deleted, unnoticed.
    List<String> lines = lines();
    lines.remove(3);
    Files.write(file, lines);
    assertThat(log.verify().fault())
        .hasValueSatisfying(f -> assertThat(f).startsWith("entry 4 does not follow entry 3"));

    fiveEntries();
    Files.delete(file);
    Files.delete(log.headFile());
    fiveEntries();
    lines = lines();
    Files.write(file, lines.subList(0, 4));
    assertThat(log.verify().fault())
        .hasValueSatisfying(
            f -> assertThat(f).contains("holds 4 entries").contains("head records 5"));
    assertThatThrownBy(() -> log.append(Entry.crl(NOW, "alice", "root", "d")))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0440E"));
    assertThat(lines()).hasSize(4);
  }

  @Test
  void aCrashBetweenTheEntryAndItsHeadIsNotTampering() throws Exception {
    String head = Files.readString(log.headFile());
    log.append(Entry.crl(NOW, "alice", "root", "d"));
    Files.writeString(log.headFile(), head); // the head write lost
    assertThat(log.verify().intact()).isTrue();
    log.append(Entry.crl(NOW, "alice", "root", "again"));
    assertThat(log.verify().intact()).isTrue();
    assertThat(log.verify().entries()).isEqualTo(7);
  }

  @Test
  void aLogFromBeforeTheChainIsContinuedAndItsOldEntriesCounted() throws Exception {
    Path old = dir.resolve("old.jsonl");
    Files.writeString(
        old, "{\"time\":\"t\",\"event\":\"init\"}\n{\"time\":\"t\",\"event\":\"crl\"}\n");
    AuditLog continued = new AuditLog(old, new ObjectMapper());
    continued.append(Entry.crl(NOW, "alice", "root", "d"));
    AuditLog.Verification check = continued.verify();
    assertThat(check.intact()).isTrue();
    assertThat(check.unchained()).isEqualTo(2);
    Files.writeString(old, Files.readString(old).replace("\"crl\"}", "\"init\"}"));
    assertThat(continued.verify().intact()).isFalse();
  }
}
