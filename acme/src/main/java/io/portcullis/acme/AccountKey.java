package io.portcullis.acme;

import io.portcullis.keys.SecretFiles;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.logging.Logger;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * The ACME account's key pair: read from its PEM file, or made (P-256) and stored there atomically
 * with mode 0600 when the file does not exist yet. It is the account's identity at the ACME server
 * and never leaves the file or this process.
 */
final class AccountKey {
  private static final Logger LOG = Logger.getLogger(AccountKey.class.getName());
  private static final Object LOCK = new Object();

  private AccountKey() {}

  static KeyPair loadOrCreate(Path file) throws PortcullisException {
    synchronized (LOCK) {
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
        java.util.Optional<String> exposure = SecretFiles.exposure(file);
        if (exposure.isPresent()) {
          // The ACME account key speaks for every certificate of the account: a key others can
          // read is not used, and not replaced either (the account is the operator's to move).
          throw AcmeMessage.ACCOUNT_KEY_UNUSABLE.exception(
              file, "others can reach it (" + exposure.get() + "); make it 0600 and the server's");
        }
        return read(reader);
      } catch (NoSuchFileException e) {
        return create(file);
      } catch (IOException | RuntimeException e) {
        throw AcmeMessage.ACCOUNT_KEY_UNUSABLE.causedBy(e, file, e.toString());
      }
    }
  }

  /**
   * A key pair from PEM: a private key (PKCS#8) followed by its public key, as this class writes
   * it, or an OpenSSL "EC PRIVATE KEY" that carries its public key.
   */
  private static KeyPair read(Reader reader) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKey privateKey = null;
    PublicKey publicKey = null;
    try (PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair);
        } else if (object instanceof PrivateKeyInfo info) {
          privateKey = converter.getPrivateKey(info);
        } else if (object instanceof SubjectPublicKeyInfo info) {
          publicKey = converter.getPublicKey(info);
        }
      }
    }
    if (privateKey == null || publicKey == null) {
      throw new IOException("no private key with its public key in the file");
    }
    return new KeyPair(publicKey, privateKey);
  }

  private static KeyPair create(Path file) throws PortcullisException {
    try {
      // The JDK's provider: inside Liberty no Bouncy Castle provider is registered.
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        writer.writeObject(keys.getPublic());
      }
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      SecretFiles.write(file, pem.toString().getBytes(StandardCharsets.US_ASCII));
      LOG.info(AcmeMessage.ACCOUNT_KEY_MADE.format(file));
      return keys;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw AcmeMessage.ACCOUNT_KEY_UNUSABLE.causedBy(e, file, e.toString());
    }
  }
}
