package io.portcullis.ca;

import io.portcullis.messages.PortcullisException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Content signers for CA keys in software or in a token. */
final class Signers {
  private Signers() {}

  static ContentSigner signer(
      String algorithm, PrivateKey key, SigningProvider signing, SecureRandom random)
      throws PortcullisException {
    JcaContentSignerBuilder builder =
        new JcaContentSignerBuilder(algorithm).setSecureRandom(random);
    // A token key (no encoding) must sign inside its token: let the JCA pick its provider.
    if (signing.provider() != null && key.getEncoded() != null) {
      builder.setProvider(signing.provider());
    }
    try {
      return builder.build(key);
    } catch (OperatorCreationException e) {
      throw CaMessage.KEY_UNUSABLE.causedBy(e, algorithm + " signer", e.getMessage());
    }
  }
}
