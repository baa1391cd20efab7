package io.portcullis.cli;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code portcullis key generate}: a key pair made inside the token (sensitive, non-extractable),
 * and optionally a CSR signed by it for the CA.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate a key pair inside a PKCS#11 token or TPM, and optionally its CSR.")
public final class KeyGenerateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin KeyTokenOptions token;

  @Option(names = "--alias", required = true, description = "Alias of the new key.")
  String alias;

  @Option(
      names = "--algorithm",
      defaultValue = "P-256",
      description = "P-256 (default), P-384, RSA-2048, RSA-3072 or RSA-4096 (EC-P256 also works).")
  String algorithm;

  @Option(names = "--csr", paramLabel = "FILE", description = "Write a PEM CSR for the key here.")
  Path csr;

  @Option(names = "--subject", description = "The CSR's subject, e.g. CN=orders,O=example.")
  String subject;

  @Option(names = "--uri-san", description = "A URI SAN for the CSR (the SPIFFE ID); repeatable.")
  List<String> uriSans = List.of();

  @Option(names = "--dns-san", description = "A DNS SAN for the CSR; repeatable.")
  List<String> dnsSans = List.of();

  @Override
  public Integer call() {
    try {
      if (csr != null && subject == null) {
        throw KeySourceMessage.CONFIG_INVALID.exception("--csr needs --subject");
      }
      TokenKeys keys = TokenKeys.open(token.resolve(alias));
      PublicKey publicKey = keys.generate(alias, KeyType.parse(algorithm));
      spec.commandLine()
          .getOut()
          .println("generated " + alias + " public key SHA-256 " + fingerprint(publicKey));
      if (csr != null) {
        Csr request = keys.csr(alias, subject, dnsSans, uriSans);
        Files.writeString(csr, request.pem(), StandardCharsets.US_ASCII);
        spec.commandLine().getOut().println("wrote " + csr);
      }
      return 0;
    } catch (PortcullisException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 1;
    } catch (IOException e) {
      spec.commandLine().getErr().println("cannot write " + csr + ": " + e.getMessage());
      return 1;
    }
  }

  static String fingerprint(PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
