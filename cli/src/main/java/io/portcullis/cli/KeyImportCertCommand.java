package io.portcullis.cli;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.TokenKeys;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code portcullis key import-cert}: stores the CA's chain with a key in the token, after checking
 * that the certificate is for that key.
 */
@Command(
    name = "import-cert",
    mixinStandardHelpOptions = true,
    description = "Store a certificate chain (leaf first) with a key in a PKCS#11 token or TPM.")
public final class KeyImportCertCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin KeyTokenOptions token;

  @Option(names = "--alias", required = true, description = "Alias of the key.")
  String alias;

  @Option(
      names = "--cert",
      required = true,
      paramLabel = "FILE",
      description = "PEM or DER certificates, leaf first.")
  Path cert;

  @Override
  public Integer call() {
    try {
      List<X509Certificate> chain = read(cert);
      KeyMaterial stored = TokenKeys.open(token.resolve(alias)).storeCertificate(alias, chain);
      spec.commandLine()
          .getOut()
          .println(
              "stored "
                  + chain.size()
                  + " certificate(s) with "
                  + alias
                  + ": "
                  + stored.certificate().getSubjectX500Principal().getName()
                  + ", valid until "
                  + stored.certificate().getNotAfter().toInstant());
      return 0;
    } catch (PortcullisException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 1;
    }
  }

  static List<X509Certificate> read(Path file) throws PortcullisException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) certificate);
      }
      if (chain.isEmpty()) {
        throw KeySourceMessage.CERTIFICATE_FILE_UNREADABLE.exception(file, "no certificates in it");
      }
      return chain;
    } catch (IOException | CertificateException e) {
      throw KeySourceMessage.CERTIFICATE_FILE_UNREADABLE.causedBy(e, file, e.getMessage());
    }
  }
}
