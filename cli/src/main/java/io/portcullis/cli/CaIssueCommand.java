package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.Pem;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.Pkcs12Files;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca issue}: first issuance from a CSR and a join token. */
@Command(
    name = "issue",
    mixinStandardHelpOptions = true,
    description = "First certificate of a registered workload, from its CSR and join token.")
final class CaIssueCommand extends CaSupport {
  @CommandLine.Option(names = "--csr", description = "The CSR (PEM or DER).")
  Path csr;

  @CommandLine.Option(
      names = "--new-pkcs12",
      description =
          "Instead of --csr: make a new key here and write it with its chain to this PKCS#12"
              + " file (mode 0600, replaced atomically): a pkcs12 key source ready to renew"
              + " itself.")
  Path newPkcs12;

  @CommandLine.Option(
      names = "--pkcs12-password-env",
      description = "With --new-pkcs12: the environment variable holding the file's password.")
  String pkcs12PasswordEnv;

  @CommandLine.Option(
      names = "--pkcs12-password-file",
      description = "With --new-pkcs12: a file holding the password (first line), instead of -env.")
  Path pkcs12PasswordFile;

  @CommandLine.Option(
      names = "--alias",
      defaultValue = "server",
      description = "With --new-pkcs12: the key's alias in the file (default: ${DEFAULT-VALUE}).")
  String alias;

  @CommandLine.Option(
      names = "--key-type",
      defaultValue = "P-256",
      description = "With --new-pkcs12: the new key's type (default: ${DEFAULT-VALUE}).")
  String keyType;

  @CommandLine.Option(
      names = "--token-file",
      description = "File holding the join token (0600, owned by you), or - for standard input.")
  Path tokenFile;

  @CommandLine.Option(
      names = "--token-env",
      description = "Environment variable holding the join token, instead.")
  String tokenEnv;

  /** Refused: a join token on the command line is in every local user's process list. */
  @CommandLine.Option(names = "--token", hidden = true)
  String token;

  @CommandLine.Option(
      names = "--lifetime",
      description = "Shorter than the registered maximum, e.g. 12h (default: the maximum).")
  String lifetime;

  @CommandLine.Option(
      names = "--out",
      description =
          "Where to write the certificate and the area intermediate (PEM); required with --csr.")
  Path out;

  @Override
  int run() throws PortcullisException {
    if ((csr == null) == (newPkcs12 == null)) {
      throw CaMessage.VALUE_INVALID.exception(
          "choice of", "--csr and --new-pkcs12", "exactly one of them");
    }
    if (csr != null && out == null) {
      throw CaMessage.VALUE_INVALID.exception("--out", "(missing)", "a file for the chain");
    }
    String joinToken = joinToken();
    Duration wanted = lifetime == null ? null : duration("lifetime", lifetime);
    if (csr != null) {
      written(this, open().issue(joinToken, csr(csr), wanted, operator), out);
      return 0;
    }
    String password =
        pkcs12PasswordFile != null
            ? readSecret(pkcs12PasswordFile, "the PKCS#12 file's password")
            : pkcs12PasswordEnv == null ? null : System.getenv(pkcs12PasswordEnv);
    if (password == null || password.isEmpty()) {
      throw CaMessage.VALUE_INVALID.exception(
          "--pkcs12-password-env or --pkcs12-password-file",
          pkcs12PasswordEnv == null ? String.valueOf(pkcs12PasswordFile) : pkcs12PasswordEnv,
          "a set environment variable, or a file, holding the file's password");
    }
    KeyPair keys = KeyType.parse(keyType).generate(new SecureRandom());
    IssuedCertificate issued = open().issue(joinToken, keys, wanted, operator);
    char[] secret = password.toCharArray();
    try {
      Pkcs12Files.write(newPkcs12, alias, secret, keys.getPrivate(), issued.chain());
    } catch (IOException | GeneralSecurityException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, newPkcs12, e.getMessage());
    } finally {
      Arrays.fill(secret, '\0');
    }
    if (out != null) {
      written(this, issued, out);
    } else {
      report(this, issued, newPkcs12);
    }
    return 0;
  }

  /** The join token: from its file, standard input or environment variable, never argv. */
  private String joinToken() throws PortcullisException {
    if (token != null) {
      throw CaMessage.SECRET_ON_COMMAND_LINE.exception(
          "--token",
          "the join token",
          "--token-file FILE (0600), --token-file - or --token-env NAME");
    }
    if (tokenFile != null) {
      return readSecret(tokenFile, "the join token").strip();
    }
    if (tokenEnv != null) {
      String value = System.getenv(tokenEnv);
      if (value == null || value.isBlank()) {
        throw CaMessage.SECRET_NOT_GIVEN.exception("Join token", tokenEnv);
      }
      return value.strip();
    }
    return null;
  }

  static void written(CaSupport command, IssuedCertificate issued, Path out)
      throws PortcullisException {
    write(out, Pem.encode(issued.chain().toArray()), false);
    report(command, issued, out);
  }

  private static void report(CaSupport command, IssuedCertificate issued, Path out) {
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
