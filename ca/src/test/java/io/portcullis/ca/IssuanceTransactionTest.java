package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
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

  /** Where a write to a state file under {@code dir} fails. */
  enum Fault {
    /** Before anything reaches the file: a full disk. */
    BEFORE,
    /** After the file was replaced, as when the directory's fsync fails. */
    AFTER
  }

  /** State writes to files under {@code dir} ("certs", "workloads") fail at {@code fault}. */
  private void failWrites(String dir, Fault fault, int failures) {
    int[] left = {failures};
    f.ca
        .store()
        .writeWith(
            (file, data, secret) -> {
              boolean hit = f.dir.relativize(file).startsWith(dir) && left[0]-- > 0;
              if (hit && fault == Fault.BEFORE) {
                throw new IOException("No space left on device");
              }
              AtomicFiles.write(file, data, secret);
              if (hit) {
                throw new IOException("Input/output error");
              }
            });
  }

  private void writesFixed() {
    f.ca.store().writeWith(AtomicFiles::write);
  }

  private IssuedCertificate issue(JoinToken token, KeyPair keys) throws Exception {
    return f.ca.issue(
        token.token(), CaFixture.csr(keys, API, "api.payments.corp.example"), null, "bob");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} write fails {1} it lands")
  @org.junit.jupiter.params.provider.CsvSource({
    "certs, BEFORE",
    "certs, AFTER",
    "workloads, BEFORE",
    "workloads, AFTER"
  })
  void aCertificateOrRegistrationWriteThatFailsLeavesTheStateAsItWas(String dir, Fault fault)
      throws Exception {
    JoinToken token = f.register("api", "api.payments.corp.example");
    Map<String, String> before = f.snapshot();
    failWrites(dir, fault, 1);
    KeyPair keys = CaFixture.p256();
    assertThatThrownBy(() -> issue(token, keys))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0469E");
              assertThat(e.getMessage()).contains("join token unspent");
            });
    assertThat(f.snapshot()).as("every state file as it was").isEqualTo(before);
    assertThat(f.ca.checkAudit().intact()).isTrue();
    assertThat(f.audit().get(f.audit().size() - 1)).contains("\"refuse\"", "PRTC0469E");
    writesFixed();
    assertThat(issue(token, keys).spiffeId()).isEqualTo(API);
  }

  @Test
  void aRenewalWhoseRegistrationWriteFailsAfterLandingIsUndoneAndCanBeRepeated() throws Exception {
    JoinToken token = f.register("api", "api.payments.corp.example");
    KeyPair keys = CaFixture.p256();
    IssuedCertificate first = issue(token, keys);
    Map<String, String> before = f.snapshot();
    failWrites("workloads", Fault.AFTER, 1);
    KeyPair next = CaFixture.p256();
    assertThatThrownBy(
            () -> f.ca.renew(first.certificate(), keys.getPrivate(), next, null, "agent"))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0469E"));
    assertThat(f.snapshot()).isEqualTo(before);
    writesFixed();
    IssuedCertificate renewed =
        f.ca.renew(first.certificate(), keys.getPrivate(), next, null, "agent");
    assertThat(renewed.previousSha256()).contains(first.sha256());
  }

  @Test
  void aRegistrationThatLandedAndCannotBePutBackIsReportedAsIssuedNotUndone() throws Exception {
    // The disk fails twice: the new registration is in place and the undo cannot be written.
    // Claiming "nothing was issued" would be false; PRTC0470E names the serial to revoke.
    JoinToken token = f.register("api", "api.payments.corp.example");
    f.ca
        .store()
        .writeWith(
            new CaStore.Writer() {
              int calls;

              @Override
              public void write(Path file, byte[] data, boolean secret) throws IOException {
                boolean registration = f.dir.relativize(file).startsWith("workloads");
                if (registration && calls++ > 0) {
                  throw new IOException("Read-only file system");
                }
                AtomicFiles.write(file, data, secret);
                if (registration) {
                  throw new IOException("Input/output error");
                }
              }
            });
    assertThatThrownBy(() -> issue(token, CaFixture.p256()))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0470E"));
    writesFixed();
    var registration = f.ca.store().registration(API).orElseThrow();
    assertThat(registration.certificates()).hasSize(1);
    assertThat(f.dir.resolve("certs").resolve(registration.certificates().get(0).sha256() + ".pem"))
        .exists();
  }
}
