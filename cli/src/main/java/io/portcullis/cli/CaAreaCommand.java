package io.portcullis.cli;

import io.portcullis.PortcullisException;
import io.portcullis.ca.Area;
import io.portcullis.ca.AreaSpec;
import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.keys.KeyType;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca area create|retire|list}. */
@Command(
    name = "area",
    mixinStandardHelpOptions = true,
    description = "Areas: one intermediate CA each, with name constraints and a lifetime cap.",
    subcommands = {
      CaAreaCommand.Create.class,
      CaAreaCommand.Retire.class,
      CaAreaCommand.ListAreas.class
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
      info(
          CaMessage.AREA_RETIRED_DONE,
          name,
          ca.directory().resolve("crl/root.crl"),
          crl.getNextUpdate().toInstant());
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
}
