package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca root next|activate|retire-previous}: the root rollover ceremony. */
@Command(
    name = "root",
    mixinStandardHelpOptions = true,
    description =
        "Root rollover, in three steps servers follow through the bundle files (root/anchors.pem,"
            + " areas/NAME/cas.pem, crl/roots.pem) without a restart: next, activate,"
            + " retire-previous.",
    subcommands = {
      CaRootCommand.Next.class,
      CaRootCommand.Activate.class,
      CaRootCommand.RetirePrevious.class
    })
final class CaRootCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "next",
      mixinStandardHelpOptions = true,
      description =
          "Ceremony step (needs the current root key): make the next root, certify every live"
              + " area's intermediate under it (same key, same name) and publish both roots.")
  static final class Next extends CaSupport {
    @CommandLine.Option(
        names = "--next-root-key",
        description = "The PKCS#12 file to create for the next root key (on the offline medium).")
    Path pkcs12;

    @CommandLine.Option(
        names = "--next-root-passphrase-env",
        defaultValue = "PORTCULLIS_NEXT_ROOT_PASSPHRASE",
        description =
            "Environment variable holding its passphrase (default: ${DEFAULT-VALUE});"
                + " prompted for at a terminal when unset.")
    String passphraseEnv;

    @CommandLine.Option(
        names = "--next-root-passphrase-file",
        description = "A file (0600, on the offline medium) holding that passphrase, instead.")
    Path passphraseFile;

    @CommandLine.Option(
        names = "--next-root-pkcs11-config",
        description = "A SunPKCS11 configuration file: make the next root key in that token.")
    Path pkcs11Config;

    @CommandLine.Option(
        names = "--next-root-alias",
        defaultValue = "portcullis-root-next",
        description =
            "Its label in the token (default: ${DEFAULT-VALUE}); PIN from --root-pin-env.")
    String alias;

    @CommandLine.Option(
        names = "--key-type",
        description = "P-256, P-384 or RSA-3072 (default: the current root's).")
    String keyType;

    @CommandLine.Option(
        names = "--validity",
        defaultValue = "3650d",
        description = "The next root certificate's validity (default: ${DEFAULT-VALUE}).")
    String validity;

    @CommandLine.Mixin RootKeyOptions rootKey = new RootKeyOptions();

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      RootKeySpec next = nextKey();
      X509Certificate root =
          ca.publishNextRoot(
              rootKey.open(ca.rootKeyLocation()),
              next,
              keyType == null
                  ? KeyType.of(ca.rootCertificate().getPublicKey())
                  : KeyType.parse(keyType),
              duration("validity", validity),
              operator);
      List<String> areas = new ArrayList<>();
      for (var area : ca.areas()) {
        if (!area.retired()) {
          areas.add(area.name());
        }
      }
      info(
          CaMessage.ROOT_NEXT_PUBLISHED,
          root.getSubjectX500Principal().getName(),
          ca.anchorsFile(),
          areas);
      return 0;
    }

    private RootKeySpec nextKey() throws PortcullisException {
      if ((pkcs12 == null) == (pkcs11Config == null)) {
        throw CaMessage.VALUE_INVALID.exception(
            "next root key",
            pkcs12 == null ? "(none)" : "both",
            "--next-root-key FILE or --next-root-pkcs11-config FILE");
      }
      if (pkcs11Config != null) {
        return new RootKeySpec.Pkcs11(
            pkcs11Config, CaSupport.secret("Token PIN", rootKey.pinEnv, false), alias);
      }
      char[] passphrase =
          passphraseFile != null
              ? CaSupport.readSecret(passphraseFile, "the next root key passphrase").toCharArray()
              : CaSupport.secret("Next root key passphrase", passphraseEnv, true);
      return new RootKeySpec.Pkcs12(
          pkcs12, CaSupport.strongEnough(passphrase, "next root key passphrase"));
    }
  }

  @Command(
      name = "activate",
      mixinStandardHelpOptions = true,
      description =
          "Ceremony step (needs the next root key, as --root-key): the next root becomes the"
              + " active one; the previous root stays trusted.")
  static final class Activate extends CaSupport {
    @CommandLine.Mixin RootKeyOptions rootKey = new RootKeyOptions();

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      Instant retireAfter = ca.activateNextRoot(rootKey.open("the next root key"), operator);
      CertificateAuthority activated = open();
      info(
          CaMessage.ROOT_ACTIVATED,
          activated.rootCertificate().getSubjectX500Principal().getName(),
          retireAfter);
      return 0;
    }
  }

  @Command(
      name = "retire-previous",
      mixinStandardHelpOptions = true,
      description =
          "Take the previous root out of the bundle files, once no certificate issued under it can"
              + " still be in use.")
  static final class RetirePrevious extends CaSupport {
    @CommandLine.Option(
        names = "--force",
        description = "Retire it even though certificates issued under it may still be in use.")
    boolean force;

    @Override
    int run() throws PortcullisException {
      CertificateAuthority ca = open();
      X509Certificate retired = ca.retirePreviousRoot(force, operator);
      info(CaMessage.ROOT_RETIRED, retired.getSubjectX500Principal().getName(), ca.anchorsFile());
      return 0;
    }
  }
}
