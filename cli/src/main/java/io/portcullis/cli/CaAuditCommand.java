package io.portcullis.cli;

import io.portcullis.PortcullisException;
import io.portcullis.ca.AuditCheck;
import io.portcullis.ca.CaMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca audit verify}: whether the audit log's hash chain holds. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The CA's audit log.",
    subcommands = {CaAuditCommand.Verify.class})
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
        "Prints the head: copy it somewhere the CA host cannot write, and compare later."
      })
  static final class Verify extends CaSupport {
    @Override
    int run() throws PortcullisException {
      return report(this, open().checkAudit());
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
    if (check.fault().isPresent()) {
      throw CaMessage.AUDIT_BROKEN.exception("audit.jsonl", check.fault().get());
    }
    command.out().printf("audit       intact%n");
    return 0;
  }
}
