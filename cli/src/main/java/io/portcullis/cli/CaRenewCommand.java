package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.Pem;
import io.portcullis.ca.RenewalProof;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca renew}: renewal with proof of the current key, no join token. */
@Command(
    name = "renew",
    mixinStandardHelpOptions = true,
    description =
        "Renew a workload's current certificate: a CSR for a new key plus a signature by the"
            + " current key over the CSR (--key to sign here, or --proof made elsewhere).")
final class CaRenewCommand extends CaSupport {
  @CommandLine.Option(names = "--cert", required = true, description = "The current certificate.")
  Path cert;

  @CommandLine.Option(names = "--csr", required = true, description = "CSR of the new key.")
  Path csr;

  @CommandLine.Option(
      names = "--key",
      description = "The current private key (PEM, unencrypted) to make the proof with.")
  Path key;

  @CommandLine.Option(
      names = "--proof",
      description =
          "A detached signature by the current key over 'portcullis-renewal-v1\\0' + CSR DER.")
  Path proof;

  @CommandLine.Option(names = "--lifetime", description = "Shorter than the maximum, e.g. 12h.")
  String lifetime;

  @CommandLine.Option(names = "--out", required = true, description = "Where to write the chain.")
  Path out;

  @Override
  int run() throws PortcullisException {
    X509Certificate current = certificate(cert);
    PKCS10CertificationRequest request = csr(csr);
    byte[] signature;
    if (proof != null) {
      signature = readBytes(proof);
    } else if (key != null) {
      try {
        PrivateKey currentKey = Pem.privateKey(readText(key));
        signature =
            RenewalProof.sign(currentKey, KeyType.of(current.getPublicKey()), request.getEncoded());
      } catch (IOException e) {
        throw CaMessage.FILE_UNUSABLE.causedBy(e, key, e.getMessage());
      }
    } else {
      throw CaMessage.RENEWAL_PROOF_MISSING.exception(cert, "no --key or --proof given");
    }
    Duration wanted = lifetime == null ? null : duration("lifetime", lifetime);
    CaIssueCommand.written(this, open().renew(current, request, signature, wanted, operator), out);
    return 0;
  }
}
