package io.portcullis.ca;

import io.portcullis.PortcullisException;
import java.io.IOException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Builds PKCS#10 requests for in-process callers (the renewal agent, tests, the demo). */
public final class Csrs {
  private Csrs() {}

  /**
   * A CSR signed by {@code keys} asking for the SPIFFE ID and DNS names. The key may live in a
   * token: signing picks the key's provider.
   */
  public static PKCS10CertificationRequest create(
      KeyPair keys, KeyType keyType, String spiffeId, List<String> dnsNames)
      throws PortcullisException {
    try {
      List<GeneralName> names = new ArrayList<>();
      if (spiffeId != null) {
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId));
      }
      for (String dns : dnsNames) {
        names.add(new GeneralName(GeneralName.dNSName, dns));
      }
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(new X500Name(""), keys.getPublic());
      if (!names.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
        builder.addAttribute(
            PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      return builder.build(
          new JcaContentSignerBuilder(keyType.signatureAlgorithm()).build(keys.getPrivate()));
    } catch (IOException | OperatorCreationException e) {
      throw CaMessage.REQUEST_UNREADABLE.causedBy(e, e.getMessage());
    }
  }
}
