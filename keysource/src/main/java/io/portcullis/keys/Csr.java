package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request signed by the key it is for, which may be a key inside a
 * token: the signature is made by the token's provider, so the private key never leaves it.
 */
public final class Csr {
  private final byte[] encoded;

  private Csr(byte[] encoded) {
    this.encoded = encoded.clone();
  }

  /**
   * A CSR with an empty subject asking for {@code spiffeId} (if not null) and {@code dnsNames}, as
   * the Portcullis CA takes them, signed by {@code keys} (the JDK picks the provider, so the
   * private key may be a token handle).
   */
  public static Csr create(KeyPair keys, String spiffeId, List<String> dnsNames)
      throws PortcullisException {
    return create(
        keys.getPrivate(),
        keys.getPublic(),
        null,
        "",
        dnsNames,
        spiffeId == null ? List.of() : List.of(spiffeId));
  }

  /**
   * Builds and signs a CSR.
   *
   * @param privateKey the key that signs (a token handle is fine)
   * @param publicKey its public key, which the CSR carries
   * @param provider the provider holding {@code privateKey}, or null to let the JDK choose
   * @param subject an X.500 name, e.g. {@code CN=orders,O=example}
   * @param dnsSans DNS subject alternative names
   * @param uriSans URI subject alternative names (the SPIFFE ID)
   */
  public static Csr create(
      PrivateKey privateKey,
      PublicKey publicKey,
      Provider provider,
      String subject,
      List<String> dnsSans,
      List<String> uriSans)
      throws PortcullisException {
    try {
      X500Name name = X500Name.getInstance(new X500Principal(subject).getEncoded());
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(name, publicKey);
      List<GeneralName> sans = new ArrayList<>();
      dnsSans.forEach(dns -> sans.add(new GeneralName(GeneralName.dNSName, dns)));
      uriSans.forEach(uri -> sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
      if (!sans.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
        builder.addAttribute(
            PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      JcaContentSignerBuilder signer =
          new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(privateKey.getAlgorithm()));
      if (provider != null) {
        signer.setProvider(provider);
      }
      PKCS10CertificationRequest request = builder.build(signer.build(privateKey));
      return new Csr(request.getEncoded());
    } catch (IllegalArgumentException | IOException | OperatorCreationException e) {
      throw KeySourceMessage.CSR_FAILED.causedBy(e, subject, Pkcs11Errors.describe(e));
    } catch (RuntimeException e) {
      // BC wraps the provider's signing failure (for example a logged-out token) unchecked.
      throw KeySourceMessage.CSR_FAILED.causedBy(e, subject, Pkcs11Errors.describe(e));
    }
  }

  /** The DER encoding. */
  public byte[] encoded() {
    return encoded.clone();
  }

  /** The PEM encoding ({@code -----BEGIN CERTIFICATE REQUEST-----}). */
  public String pem() {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new PKCS10CertificationRequest(encoded));
    } catch (IOException e) {
      throw new IllegalStateException("writing PEM to memory cannot fail", e);
    }
    return text.toString();
  }

  /** The request as Bouncy Castle reads it, for a CA that signs it. */
  public PKCS10CertificationRequest request() {
    try {
      return new PKCS10CertificationRequest(encoded);
    } catch (IOException e) {
      throw new IllegalStateException("the encoding was made here", e);
    }
  }
}
