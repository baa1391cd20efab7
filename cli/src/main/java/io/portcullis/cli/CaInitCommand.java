package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CaSpec;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.security.SecureRandom;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca init}: the root ceremony. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Root ceremony: create the root key (encrypted PKCS#12 or in a PKCS#11 token), the root"
            + " certificate and the CA state directory.")
final class CaInitCommand extends CaSupport {
  @CommandLine.Option(names = "--name", required = true, description = "The CA's name (O=).")
  String name;

  @CommandLine.Option(
      names = "--trust-domain",
      required = true,
      description = "The SPIFFE trust domain, e.g. corp.example.")
  String trustDomain;

  @CommandLine.Option(
      names = "--crl-base-url",
      description = "Where CRLs are published (default http://crl.<trust-domain>/).")
  String crlBaseUrl;

  @CommandLine.Option(
      names = "--key-type",
      defaultValue = "P-256",
      description = "P-256, P-384 or RSA-3072 (default: ${DEFAULT-VALUE}).")
  String keyType;

  @CommandLine.Option(
      names = "--validity",
      defaultValue = "3650d",
      description = "The root certificate's validity (default: ${DEFAULT-VALUE}).")
  String validity;

  @CommandLine.Mixin RootKeyOptions rootKey = new RootKeyOptions();

  @Override
  int run() throws PortcullisException {
    RootKeySpec keySpec = rootKey.spec(true);
    if (keySpec == null) {
      throw CaMessage.VALUE_INVALID.exception(
          "root key", "(none)", "--root-key FILE or --root-pkcs11-config FILE");
    }
    CaSpec caSpec =
        CaSpec.of(
            name, trustDomain, crlBaseUrl, KeyType.parse(keyType), duration("validity", validity));
    CertificateAuthority ca =
        CertificateAuthority.init(
            dir, caSpec, keySpec, operator, Clock.systemUTC(), new SecureRandom());
    info(CaMessage.CA_CREATED, ca.directory(), keySpec.describe(), ca.rootCertificateFile());
    return 0;
  }
}
