package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain file and a private key file in PEM, as outside managers (cert-manager, the
 * SPIRE helper, Vault agent) write them; read afresh on every load. Reading one pair of files is
 * not atomic: a key source whose files are rewritten while the server runs should be watched
 * ({@code renew="files"}), which serves only pairs that stayed unchanged and passed its checks.
 */
public final class PemKeySource implements KeySource {
  private final KeySourceConfig config;

  public PemKeySource(KeySourceConfig config) {
    if (config.type() != KeySourceType.PEM) {
      throw new IllegalArgumentException("not a pem configuration: " + config);
    }
    this.config = config;
  }

  @Override
  public KeyMaterial load() throws PortcullisException {
    Path chainFile = config.file().orElseThrow();
    Path keyFile = config.keyFile().orElseThrow();
    return material(
        config.alias().orElse("pem"), read(chainFile), read(keyFile), chainFile, keyFile);
  }

  /**
   * The credential in {@code chainPem} (leaf first) and {@code keyPem}, the files named for
   * messages.
   *
   * @throws PortcullisException {@code PRTC0534E} for unreadable PEM, {@code PRTC0508E} when the
   *     key does not match the leaf
   */
  public static KeyMaterial material(
      String alias, byte[] chainPem, byte[] keyPem, Path chainFile, Path keyFile)
      throws PortcullisException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new java.io.ByteArrayInputStream(chainPem))) {
        chain.add((X509Certificate) certificate);
      }
    } catch (GeneralSecurityException e) {
      throw KeySourceMessage.PEM_UNREADABLE.causedBy(e, chainFile, e.getMessage());
    }
    if (chain.isEmpty()) {
      throw KeySourceMessage.PEM_UNREADABLE.exception(chainFile, "it holds no certificate");
    }
    PrivateKey key = privateKey(keyPem, keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(alias, key, new char[0], chain.toArray(new Certificate[0]));
      return KeyMaterial.of(alias, key, chain, store);
    } catch (GeneralSecurityException | IOException e) {
      throw KeySourceMessage.PEM_UNREADABLE.causedBy(e, keyFile, e.getMessage());
    }
  }

  private static PrivateKey privateKey(byte[] pem, Path file) throws PortcullisException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser =
        new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw KeySourceMessage.PEM_UNREADABLE.causedBy(e, file, e.getMessage());
    }
    throw KeySourceMessage.PEM_UNREADABLE.exception(
        file, "it holds no unencrypted private key (PKCS#8 PRIVATE KEY, or RSA/EC PRIVATE KEY)");
  }

  private static byte[] read(Path file) throws PortcullisException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw KeySourceMessage.PEM_UNREADABLE.causedBy(e, file, e.toString());
    }
  }

  @Override
  public String toString() {
    return "PemKeySource[" + config + "]";
  }
}
