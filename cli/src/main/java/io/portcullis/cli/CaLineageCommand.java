package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.LineageEntry;
import io.portcullis.ca.LineageReport;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca lineage CERT}: a workload's certificates back to its registration. */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description =
        "Print the workload's chain of certificates from its registration to CERT, following"
            + " each certificate's lineage extension, and check it against the audit log (exit 1"
            + " with PRTC0440E where they disagree).")
final class CaLineageCommand extends CaSupport {
  @CommandLine.Parameters(index = "0", description = "A certificate (PEM) the CA issued.")
  Path cert;

  @Override
  int run() throws PortcullisException {
    CertificateAuthority ca = open();
    LineageReport report = ca.lineage(certificate(cert));
    out()
        .printf(
            "registered  %s  area=%s  approvedBy=%s  at %s%n",
            report.spiffeId(), report.area(), report.approvedBy(), report.registeredAt());
    for (LineageEntry entry : report.certificates()) {
      out()
          .printf(
              "%-10s  sha256=%s serial=%s  %s .. %s  by %s%s%n",
              entry.previousSha256().isEmpty() ? "issued" : "renewed",
              entry.sha256(),
              entry.serial(),
              entry.notBefore(),
              entry.notAfter(),
              entry.operator(),
              entry.revoked() ? "  REVOKED" : "");
    }
    // The registration file alone can be edited; the audit log is the record it must agree with.
    java.util.Optional<String> disagreement = ca.auditDisagreement(report);
    if (disagreement.isPresent()) {
      throw CaMessage.AUDIT_BROKEN.exception("audit.jsonl", disagreement.get());
    }
    out().printf("audit       agrees%n");
    return 0;
  }
}
