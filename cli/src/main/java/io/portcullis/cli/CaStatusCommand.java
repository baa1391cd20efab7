package io.portcullis.cli;

import io.portcullis.ca.Area;
import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code portcullis ca status}: what the CA is and whether the root key is (rightly) absent. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show the CA, its areas, where the root key is expected, and whether the audit log is"
            + " intact.")
final class CaStatusCommand extends CaSupport {
  @Override
  int run() throws PortcullisException {
    CertificateAuthority ca = open();
    out().printf("CA          %s%n", ca.rootCertificate().getSubjectX500Principal().getName());
    out().printf("trust domain %s%n", ca.trustDomain());
    out().printf("root until  %s%n", ca.rootCertificate().getNotAfter().toInstant());
    out().printf("rollover    %s%n", ca.rootRollover());
    for (var root : ca.trustedRoots()) {
      out()
          .printf(
              "trusted     %s (until %s)%n",
              root.getSubjectX500Principal().getName(), root.getNotAfter().toInstant());
    }
    String location = ca.rootKeyLocation();
    int colon = location.indexOf(':');
    String path = location.substring(colon + 1).replaceFirst("#.*$", "");
    boolean present = location.startsWith("pkcs12:") && Files.exists(Path.of(path));
    info(present ? CaMessage.ROOT_KEY_PRESENT : CaMessage.ROOT_KEY_OFFLINE, location);
    for (Area area : ca.areas()) {
      out()
          .printf(
              "area        %-16s %s %s%n",
              area.name(), area.retired() ? "RETIRED" : "live", area.uriPrefix());
    }
    // A tampered log fails the status too: exit 1 with PRTC0440E naming the first broken entry.
    return CaAuditCommand.report(this, ca.checkAudit());
  }
}
