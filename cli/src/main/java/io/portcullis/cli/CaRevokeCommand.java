package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.messages.PortcullisException;
import java.security.cert.X509CRL;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca revoke}: revoke by serial or fingerprint, publish the area CRL. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = "Revoke a certificate by serial (hex) or SHA-256 fingerprint.")
final class CaRevokeCommand extends CaSupport {
  @CommandLine.Parameters(index = "0", description = "Serial (hex) or SHA-256 fingerprint.")
  String which;

  @CommandLine.Option(
      names = "--reason",
      defaultValue = "unspecified",
      description =
          "unspecified, keyCompromise, superseded, affiliationChanged, cessationOfOperation.")
  String reason;

  @Override
  int run() throws PortcullisException {
    var ca = open();
    X509CRL crl = ca.revoke(which, reason, operator);
    info(
        CaMessage.REVOKED,
        which,
        crl.getIssuerX500Principal().getName(),
        crl.getNextUpdate().toInstant());
    return 0;
  }
}
