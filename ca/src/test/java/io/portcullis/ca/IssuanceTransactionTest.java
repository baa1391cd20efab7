package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.PortcullisException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issuance as one transaction: a write that fails at any step (a full disk) leaves the state as it
 * was and the join token unspent, and the message says so; a retry then succeeds.
 */
class IssuanceTransactionTest {
  static final String API = CaFixture.PREFIX + "api";

  @TempDir Path temp;
  CaFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
  }

  /** An audit log whose appends of {@code event} fail as a full disk does. */
  private void diskFullAt(String event) {
    f.ca
        .audit()
        .appendWith(
            (file, line) -> {
              if (line.contains("\"event\":\"" + event + "\"")) {
                throw new IOException("No space left on device");
              }
              AtomicFiles.appendLine(file, line);
            });
  }

  private void diskFixed() {
    f.ca.audit().appendWith(AtomicFiles::appendLine);
  }

  @Test
  void anAuditResultThatCannotBeWrittenUndoesTheIssuanceAndTheTokenStaysUnspent() throws Exception {
    // Found by review: the certificate written, the registration updated and the token spent,
    // then "the previous state is intact" (false), and a retry refused as a used token.
    JoinToken token = f.register("api", "api.payments.corp.example");
    Map<String, String> before = f.snapshot();
    diskFullAt("issue");
    KeyPair keys = CaFixture.p256();
    assertThatThrownBy(
            () ->
                f.ca.issue(
                    token.token(),
                    CaFixture.csr(keys, API, "api.payments.corp.example"),
                    null,
                    "bob"))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0469E");
              assertThat(e.getMessage()).contains("join token unspent");
            });
    assertThat(f.snapshot()).as("every state file as it was").isEqualTo(before);
    assertThat(f.audit()).anySatisfy(line -> assertThat(line).contains("\"issue-intent\""));
    diskFixed();
    IssuedCertificate issued =
        f.ca.issue(
            token.token(), CaFixture.csr(keys, API, "api.payments.corp.example"), null, "bob");
    assertThat(issued.spiffeId()).isEqualTo(API);
    assertThat(f.ca.checkAudit().intact()).isTrue();
  }

  @Test
  void anIntentThatCannotBeWrittenChangesNothing() throws Exception {
    JoinToken token = f.register("api", "api.payments.corp.example");
    Map<String, String> before = f.snapshot();
    diskFullAt("issue-intent");
    assertThatThrownBy(
            () ->
                f.ca.issue(
                    token.token(),
                    CaFixture.csr(CaFixture.p256(), API, "api.payments.corp.example"),
                    null,
                    "bob"))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0404E"));
    assertThat(f.snapshot()).isEqualTo(before);
    diskFixed();
    assertThat(
            f.ca
                .issue(
                    token.token(),
                    CaFixture.csr(CaFixture.p256(), API, "api.payments.corp.example"),
                    null,
                    "bob")
                .spiffeId())
        .isEqualTo(API);
  }
}
