package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of refused requests cannot grow the audit log faster than a set rate: one entry per
 * reason, workload and minute, then one summary with the count.
 */
class RefusalWindowsTest {
  static final String API = CaFixture.PREFIX + "api";

  @TempDir Path temp;
  CaFixture f;
  String keyPart;

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
    String token = f.register("api", "api.payments.corp.example").token();
    keyPart = token.substring(0, token.lastIndexOf('.') + 1);
  }

  private void refuse(String token) throws Exception {
    var csr = CaFixture.csr(CaFixture.p256(), API, "api.payments.corp.example");
    assertThat(catchThrowable(() -> f.ca.issue(token, csr, null, "mallory")))
        .isInstanceOf(io.portcullis.messages.PortcullisException.class);
  }

  private List<String> summaries() {
    return f.audit().stream().filter(l -> l.contains("\"refuse-summary\"")).toList();
  }

  @Test
  void aThousandWrongTokensForAWorkloadAndAThousandForNoneAddTwoEntriesThenTwoSummaries()
      throws Exception {
    // Found by review: every refusal a caller of ca serve can cause wrote its own audit line.
    int before = f.audit().size();
    for (int i = 0; i < 1000; i++) {
      refuse(keyPart + "wrong" + i);
      refuse("ptj1.nobody." + i);
    }
    assertThat(f.audit()).hasSize(before + 2);
    assertThat(summaries()).isEmpty();

    f.clock.advance(Duration.ofSeconds(61));
    refuse(keyPart + "later");
    assertThat(summaries())
        .hasSize(2)
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("\"workload\":\"" + API + "\"", "PRTC0418E", "count=999")
                    .contains("\"operator\":\"mallory\""))
        .anySatisfy(s -> assertThat(s).doesNotContain("\"workload\"").contains("count=999"));
    assertThat(f.audit()).hasSize(before + 2 + 2 + 1);
    assertThat(f.ca.checkAudit().intact()).isTrue();
  }

  @Test
  void aClockThatMovesBackEndsTheIntervalAndStoppingWritesWhatIsHeldBack() throws Exception {
    refuse(keyPart + "a");
    refuse(keyPart + "b");
    refuse(keyPart + "c");
    int before = f.audit().size();
    f.clock.advance(Duration.ofHours(-1));
    refuse(keyPart + "d");
    assertThat(f.audit()).hasSize(before + 2); // the summary of two, and d on its own
    refuse(keyPart + "e");
    assertThat(summaries()).hasSize(1);
    f.ca.flushRefusals();
    assertThat(summaries()).hasSize(2).last().asString().contains("count=1");
    assertThat(f.ca.checkAudit().intact()).isTrue();
  }

  @Test
  void otherOperationsStillGetTheirEntriesAndCarryTheSummaryOut() throws Exception {
    for (int i = 0; i < 10; i++) {
      refuse(keyPart + i);
    }
    f.clock.advance(Duration.ofSeconds(90));
    f.register("web", "web.payments.corp.example");
    assertThat(summaries()).singleElement().asString().contains("count=9");
    assertThat(f.audit().get(f.audit().size() - 1)).contains("\"register\"");
  }
}
