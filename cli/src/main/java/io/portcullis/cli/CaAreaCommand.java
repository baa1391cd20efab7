package io.portcullis.cli;

import io.portcullis.ca.Area;
import io.portcullis.ca.AreaSpec;
import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca area create|retire|list|server-xml}. */
@Command(
    name = "area",
    mixinStandardHelpOptions = true,
    description = "Areas: one intermediate CA each, with name constraints and a lifetime cap.",
    subcommands = {
      CaAreaCommand.Create.class,
      CaAreaCommand.Retire.class,
      CaAreaCommand.ListAreas.class,
      CaAreaCommand.ServerXml.class
    })
final class CaAreaCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Ceremony step (needs the root key): a new area and its intermediate.")
  static final class Create extends CaSupport {
    @CommandLine.Parameters(index = "0", description = "The area's name, e.g. payments.")
    String name;

    @CommandLine.Option(
        names = "--uri-prefix",
        required = true,
        description = "The SPIFFE ID prefix, e.g. spiffe://corp.example/payments/.")
    String uriPrefix;

    @CommandLine.Option(
        names = "--dns",
        description = "A permitted DNS subtree (repeatable); none = no DNS names.")
    List<String> dns = new ArrayList<>();

    @CommandLine.Option(
        names = "--max-lifetime",
        required = true,
        description = "The longest leaf lifetime, e.g. 7d.")
    String maxLifetime;

    @CommandLine.Option(
        names = "--key-type",
        defaultValue = "P-256",
        description = "The intermediate's key type (default: ${DEFAULT-VALUE}).")
    String keyType;

    @CommandLine.Option(
        names = "--validity",
        defaultValue = "1825d",
        description = "The intermediate's validity (default: ${DEFAULT-VALUE}).")
    String validity;

    @CommandLine.Mixin RootKeyOptions rootKey = new RootKeyOptions();

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      AreaSpec areaSpec =
          AreaSpec.of(
              name,
              uriPrefix,
              dns,
              duration("max lifetime", maxLifetime),
              KeyType.parse(keyType),
              duration("validity", validity));
      Area area = ca.createArea(areaSpec, rootKey.open(ca.rootKeyLocation()), operator);
      info(
          CaMessage.AREA_CREATED,
          area.name(),
          area.certificate().getSubjectX500Principal().getName(),
          area.uriPrefix(),
          area.dnsSubtrees(),
          area.maxLeafLifetime());
      return 0;
    }
  }

  @Command(
      name = "retire",
      mixinStandardHelpOptions = true,
      description =
          "Ceremony step (needs the root key): refuse all of an area's leaves from now on and"
              + " revoke its intermediate in the root CRL.")
  static final class Retire extends CaSupport {
    @CommandLine.Parameters(index = "0", description = "The area's name.")
    String name;

    @CommandLine.Mixin RootKeyOptions rootKey = new RootKeyOptions();

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      X509CRL crl = ca.retireArea(name, rootKey.open(ca.rootKeyLocation()), operator);
      info(CaMessage.AREA_RETIRED_DONE, name, ca.crlFile("root"), crl.getNextUpdate().toInstant());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the areas.")
  static final class ListAreas extends CaSupport {
    @Override
    int run() throws PortcullisException {
      for (Area area : open().areas()) {
        out()
            .printf(
                "%-16s %-8s %-40s dns=%s max=%s until=%s%n",
                area.name(),
                area.retired() ? "RETIRED" : "live",
                area.uriPrefix(),
                area.dnsSubtrees(),
                area.maxLeafLifetime(),
                area.certificate().getNotAfter().toInstant());
      }
      return 0;
    }
  }

  @Command(
      name = "server-xml",
      mixinStandardHelpOptions = true,
      description =
          "Print the <trustArea> elements that trust the live areas (all, or those named): the"
              + " roots, the area's intermediates, its scope and its CRLs, as the bundle files of"
              + " this CA that follow a root rollover.")
  static final class ServerXml extends CaSupport {
    @CommandLine.Parameters(arity = "0..*", description = "Areas to print (default: all live).")
    List<String> names = new ArrayList<>();

    @CommandLine.Option(
        names = "--crl-refresh",
        description = "How often the server re-reads the CRL files (Liberty duration, e.g. 5m).")
    String crlRefresh;

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      // The bundle files: they hold both roots (and both intermediates, both root CRLs) during a
      // root rollover, so a server configured with them follows it without a change.
      Path rootCrl = ca.rootCrlsFile().toAbsolutePath();
      boolean hasRootCrl = Files.exists(rootCrl);
      for (Area area : ca.areas()) {
        if (area.retired() || !(names.isEmpty() || names.contains(area.name()))) {
          continue;
        }
        StringBuilder xml = new StringBuilder("<trustArea");
        attribute(xml, "name", area.name());
        attribute(xml, "anchors", ca.anchorsFile().toAbsolutePath().toString());
        attribute(
            xml, "intermediates", ca.areaCertificatesFile(area.name()).toAbsolutePath().toString());
        attribute(xml, "spiffePrefixes", area.uriPrefix());
        if (!area.dnsSubtrees().isEmpty()) {
          attribute(xml, "dnsSubtrees", String.join(", ", area.dnsSubtrees()));
        }
        // Only CRLs that exist: a hard-fail area pointed at a missing file refuses every caller.
        Path areaCrl = ca.crlFile(area.name()).toAbsolutePath();
        if (Files.exists(areaCrl)) {
          attribute(xml, "crl", hasRootCrl ? areaCrl + ", " + rootCrl : areaCrl.toString());
          if (hasRootCrl) {
            attribute(xml, "revocationScope", "chain");
          }
          if (crlRefresh != null) {
            attribute(xml, "crlRefresh", crlRefresh);
          }
        } else {
          err()
              .println(
                  "# no CRL for area "
                      + area.name()
                      + " yet: run `portcullis ca crl` (and `ca crl --root` in a ceremony), then"
                      + " print this again to check revocation");
        }
        out().println(xml.append("/>"));
      }
      return 0;
    }

    private static void attribute(StringBuilder xml, String name, String value) {
      String escaped =
          value
              .replace("&", "&amp;")
              .replace("\"", "&quot;")
              .replace("<", "&lt;")
              .replace(">", "&gt;");
      xml.append(' ').append(name).append("=\"").append(escaped).append('"');
    }
  }
}
