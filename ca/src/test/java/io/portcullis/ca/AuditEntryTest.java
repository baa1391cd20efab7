package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.AuditLog.Entry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each audit event comes from its own factory, which always fills the same fields. */
class AuditEntryTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void eachFactoryNamesItsEvent() {
    List<Entry> entries =
        List.of(
            Entry.init(NOW, "alice", "01", "aa", "d"),
            Entry.areaCreated(NOW, "alice", "payments", "02", "bb", "d"),
            Entry.areaRetired(NOW, "alice", "payments", "02", "bb", "d"),
            Entry.crl(NOW, "alice", "root", "d"),
            Entry.registered(NOW, "alice", "spiffe://corp/a", "payments", "d"),
            Entry.joinToken(NOW, "alice", "spiffe://corp/a", "payments", "d"),
            Entry.issued(NOW, "bob", "spiffe://corp/a", "payments", "03", "cc", null, "d"),
            Entry.issued(NOW, "bob", "spiffe://corp/a", "payments", "04", "dd", "cc", "d"),
            Entry.revoked(NOW, "carol", "spiffe://corp/a", "payments", "04", "dd", "cc", "d"),
            Entry.refused(NOW, "carol", "spiffe://corp/a", "payments", "PRTC0418E", "issue: x"));
    assertThat(entries)
        .extracting(Entry::event)
        .containsExactly(
            "init",
            "area-create",
            "area-retire",
            "crl",
            "register",
            "token",
            "issue",
            "renew",
            "revoke",
            "refuse");
    assertThat(entries).allSatisfy(e -> assertThat(e.time()).isEqualTo(NOW));
    assertThat(entries.get(7).previous()).isEqualTo("cc");
    assertThat(entries.get(9).messageId()).isEqualTo("PRTC0418E");
    assertThat(entries.subList(0, 9)).allSatisfy(e -> assertThat(e.messageId()).isNull());
  }
}
