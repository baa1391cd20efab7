package io.portcullis.cli;

import io.portcullis.ca.AuditCheck;
import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca audit verify}: whether the audit log's hash chain holds. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The CA's audit log.",
    subcommands = {CaAuditCommand.Verify.class, CaAuditCommand.Witness.class})
final class CaAuditCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check that every audit entry links to the one before it and that the log ends where its"
            + " head says; name the first entry that does not hold (exit 1).",
        "Prints the head: copy it somewhere the CA host cannot write, and compare later with"
            + " --head.",
        "A witness the state directory names (ca audit witness) is checked too; --witness names it"
            + " from your runbook, so a state directory that stopped naming it shows."
      })
  static final class Verify extends CaSupport {
    @CommandLine.Option(
        names = "--witness",
        paramLabel = "FILE",
        description = "The audit witness your runbook names; the log must reach its head.")
    Path witness;

    @CommandLine.Option(
        names = "--head",
        paramLabel = "\"ENTRIES SHA256\"",
        description = "A head printed earlier; the log must still hold that entry at that count.")
    String head;

    @Override
    int run() throws PortcullisException {
      return report(this, open().checkAudit(witness, head));
    }
  }

  @Command(
      name = "witness",
      mixinStandardHelpOptions = true,
      description = {
        "Name a witness for the audit log: a file outside the state directory, best on another"
            + " host's mount, that every entry from now on writes the log's head to.",
        "Cutting or rewriting the log then shows against it. Keep its path in your runbook and"
            + " give it to ca audit verify --witness."
      })
  static final class Witness extends CaSupport {
    @CommandLine.Parameters(index = "0", paramLabel = "FILE", description = "The witness file.")
    Path file;

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      ca.witnessAudit(file, operator);
      return report(this, ca.checkAudit(file, null));
    }
  }

  /** Prints {@code check}; 0 when the log is intact, 1 (after PRTC0440E) when not. */
  static int report(CaSupport command, AuditCheck check) throws PortcullisException {
    command.out().printf("audit       %d entries, head %s%n", check.entries(), check.head());
    if (check.unchained() > 0) {
      command
          .out()
          .printf(
              "audit       the first %d entries predate the chain: nothing vouches for them%n",
              check.unchained());
    }
    if (check.witness().isPresent()) {
      command.out().printf("witness     %s%n", check.witness().get());
    }
    if (check.fault().isPresent()) {
      throw CaMessage.AUDIT_BROKEN.exception("audit.jsonl", check.fault().get());
    }
    command.out().printf("audit       intact%n");
    return 0;
  }
}
