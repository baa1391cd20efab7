package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.messages.PortcullisException;
import java.security.cert.X509CRL;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca crl}: re-publish an area CRL, or the root CRL in a ceremony. */
@Command(
    name = "crl",
    mixinStandardHelpOptions = true,
    description =
        "Re-sign CRLs with a fresh nextUpdate: every live area's (no root key needed), or with"
            + " --root the root CRL (ceremony step).")
final class CaCrlCommand extends CaSupport {
  @CommandLine.Option(names = "--area", description = "Only this area.")
  String area;

  @CommandLine.Option(names = "--root", description = "The root CRL (needs the root key).")
  boolean root;

  @CommandLine.Option(
      names = "--validity",
      description = "Until nextUpdate (default: 2d for areas, 90d for the root).")
  String validity;

  @CommandLine.Mixin RootKeyOptions rootKey = new RootKeyOptions();

  @Override
  int run() throws PortcullisException {
    CertificateAuthority ca = open();
    if (root) {
      X509CRL crl =
          ca.publishRootCrl(
              rootKey.open(ca.rootKeyLocation()),
              validity == null
                  ? CertificateAuthority.DEFAULT_ROOT_CRL_VALIDITY
                  : duration("validity", validity),
              operator);
      info(
          CaMessage.CRL_PUBLISHED,
          crl.getIssuerX500Principal().getName(),
          ca.rootCrlsFile(),
          crl.getNextUpdate().toInstant());
      return 0;
    }
    for (var each : ca.areas()) {
      if ((area == null && !each.retired()) || each.name().equals(area)) {
        X509CRL crl =
            ca.publishCrl(
                each.name(),
                validity == null
                    ? CertificateAuthority.DEFAULT_CRL_VALIDITY
                    : duration("validity", validity),
                operator);
        info(
            CaMessage.CRL_PUBLISHED,
            each.name(),
            ca.crlFile(each.name()),
            crl.getNextUpdate().toInstant());
      }
    }
    return 0;
  }
}
