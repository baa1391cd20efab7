package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.messages.PortcullisException;
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

  /**
   * What someone who can write the state directory does: drop lines, change one, then recompute
   * every link and the head so the chain holds again.
   */
  private void rewriteChain(List<String> lines) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> rewritten = new ArrayList<>();
    String link = AuditLog.GENESIS;
    for (String line : lines) {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(line);
      node.put("chain", link);
      String text = json.writeValueAsString(node);
      rewritten.add(text);
      link = AuditLog.sha256(text);
    }
    Files.write(file, rewritten);
    Files.writeString(log.headFile(), rewritten.size() + " " + link + "\n");
  }

  @Test
  void aRewrittenChainPassesAloneButNotAgainstItsWitness() throws Exception {
    // The review's remaining gap: whoever can write the state directory rewrites the chain too.
    Path witnessDir = Files.createDirectory(dir.resolve("elsewhere"));
    Path witness = witnessDir.resolve("ca.head");
    log.witnessWith(witness, NOW, "alice");
    log.append(Entry.crl(NOW, "alice", "root", "d"));
    assertThat(Files.readString(witness).strip()).isEqualTo(log.verify().head().toString());
    assertThat(log.verify().witness()).contains(witness);

    // Cut the last three entries and re-link: the chain and its head hold, the witness does not.
    rewriteChain(lines().subList(0, 4));
    Files.delete(log.witnessPointer());
    assertThat(log.verify().intact()).isTrue();
    assertThat(log.verify(List.of(new AuditLog.Claim("the witness", log.readWitness(witness)))))
        .satisfies(
            v ->
                assertThat(v.fault())
                    .hasValueSatisfying(
                        f -> assertThat(f).contains("holds 4 entries, the witness records 7")));
  }

  @Test
  void aChangedEntryWithItsChainRecomputedDiffersFromTheWitnessAtTheSameCount() throws Exception {
    Path witness = Files.createDirectory(dir.resolve("elsewhere")).resolve("ca.head");
    log.witnessWith(witness, NOW, "alice");
    List<String> lines = lines();
    lines.set(1, lines.get(1).replace("approvedBy=alice", "approvedBy=carol"));
    rewriteChain(lines);
    assertThat(log.verify().fault())
        .hasValueSatisfying(
            f -> assertThat(f).startsWith("entry 6 is not the one its witness " + witness));
    assertThatThrownBy(() -> log.append(Entry.crl(NOW, "alice", "root", "d")))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0440E"));
  }

  @Test
  void aLogCutBelowItsWitnessGetsNoEntryMore() throws Exception {
    Path witness = Files.createDirectory(dir.resolve("elsewhere")).resolve("ca.head");
    log.witnessWith(witness, NOW, "alice");
    log.append(Entry.crl(NOW, "alice", "root", "d"));
    rewriteChain(lines().subList(0, 6)); // the witness entry stays, the crl goes
    assertThat(log.verify().fault())
        .hasValueSatisfying(f -> assertThat(f).contains("holds 6 entries, its witness"));
    // Six entries against a witness of seven: one behind is what a failed witness write leaves,
    // so only the verify sees it; two behind is refused at once.
    rewriteChain(lines().subList(0, 5));
    Files.writeString(log.witnessPointer(), witness + "\n");
    assertThatThrownBy(() -> log.append(Entry.crl(NOW, "alice", "root", "e")))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e ->
                assertThat(e)
                    .hasMessageContaining("PRTC0440E")
                    .hasMessageContaining("records 7 entries, more than it holds"));
  }

  @Test
  void aWitnessNoLongerNamedShowsThroughTheLogEntryThatNamedIt() throws Exception {
    Path witness = Files.createDirectory(dir.resolve("elsewhere")).resolve("ca.head");
    log.witnessWith(witness, NOW, "alice");
    Files.delete(log.witnessPointer());
    assertThat(log.verify().fault())
        .hasValueSatisfying(
            f ->
                assertThat(f)
                    .contains("last audit-witness entry names " + witness)
                    .contains("the state directory none"));
    // And one named without an entry for it.
    Files.writeString(log.witnessPointer(), dir.resolve("other").toAbsolutePath() + "\n");
    assertThat(log.verify().fault())
        .hasValueSatisfying(f -> assertThat(f).startsWith("its witness cannot be read"));
    Files.copy(witness, dir.resolve("other"));
    assertThat(log.verify().fault())
        .hasValueSatisfying(
            f -> assertThat(f).contains("the state directory " + dir.resolve("other")));
  }

  @Test
  void aWitnessOnAShareThatIsGoneFailsTheEntryAndIsNeverMadeLocally() throws Exception {
    Path share = Files.createDirectory(dir.resolve("share"));
    Path witness = share.resolve("ca.head");
    log.witnessWith(witness, NOW, "alice");
    Files.delete(witness);
    Files.delete(share); // unmounted
    assertThatThrownBy(() -> log.append(Entry.crl(NOW, "alice", "root", "d")))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0440E");
              assertThat(e).hasMessageContaining("its witness cannot be read: " + witness);
            });
    assertThat(share).doesNotExist();
  }

  @Test
  void aHeadCopiedEarlierIsCheckedToo() throws Exception {
    AuditLog.Head copied = log.verify().head();
    log.append(Entry.crl(NOW, "alice", "root", "d"));
    AuditLog.Claim claim = new AuditLog.Claim("the head given", AuditLog.parseHead(copied + "\n"));
    assertThat(log.verify(List.of(claim)).intact()).isTrue();
    List<String> lines = lines();
    lines.set(4, lines.get(4).replace("\"bob\"", "\"eve\""));
    rewriteChain(lines);
    assertThat(log.verify(List.of(claim)).fault())
        .hasValueSatisfying(f -> assertThat(f).startsWith("entry 5 is not the one the head given"));
    assertThatThrownBy(() -> AuditLog.parseHead("5 xyz")).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aWitnessEntryWhoseDetailWasCutIsAFaultNotACrash() throws Exception {
    Path witness = Files.createDirectory(dir.resolve("elsewhere")).resolve("ca.head");
    log.witnessWith(witness, NOW, "alice");
    List<String> lines = lines();
    int last = lines.size() - 1;
    lines.set(last, lines.get(last).replace("\"detail\":\"witness=" + witness, "\"detail\":\"w"));
    Files.write(file, lines);
    assertThat(log.verify().fault()).isPresent();
  }
}
