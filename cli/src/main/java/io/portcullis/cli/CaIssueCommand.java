package io.portcullis.cli;

import io.portcullis.PortcullisException;
import io.portcullis.ca.CaMessage;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.Pem;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca issue}: first issuance from a CSR and a join token. */
@Command(
    name = "issue",
    mixinStandardHelpOptions = true,
    description = "First certificate of a registered workload, from its CSR and join token.")
final class CaIssueCommand extends CaSupport {
  @CommandLine.Option(names = "--csr", required = true, description = "The CSR (PEM or DER).")
  Path csr;

  @CommandLine.Option(
      names = "--token-file",
      description = "File holding the join token (preferred: not visible in the process list).")
  Path tokenFile;

  @CommandLine.Option(names = "--token", description = "The join token itself.")
  String token;

  @CommandLine.Option(
      names = "--lifetime",
      description = "Shorter than the registered maximum, e.g. 12h (default: the maximum).")
  String lifetime;

  @CommandLine.Option(
      names = "--out",
      required = true,
      description = "Where to write the certificate and the area intermediate (PEM).")
  Path out;

  @Override
  int run() throws PortcullisException {
    String joinToken = tokenFile != null ? readText(tokenFile).trim() : token;
    Duration wanted = lifetime == null ? null : duration("lifetime", lifetime);
    IssuedCertificate issued = open().issue(joinToken, csr(csr), wanted, operator);
    written(this, issued, out);
    return 0;
  }

  static void written(CaSupport command, IssuedCertificate issued, Path out)
      throws PortcullisException {
    write(out, Pem.encode(issued.chain().toArray()), false);
    command.info(
        CaMessage.ISSUED,
        issued.spiffeId(),
        issued.certificate().getSerialNumber().toString(16),
        issued.sha256(),
        issued.certificate().getNotAfter().toInstant(),
        out,
        issued.previousSha256().orElse("none (first issuance)"));
  }
}
