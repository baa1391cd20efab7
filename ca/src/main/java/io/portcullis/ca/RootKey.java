package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The opened root key: needed only for ceremony steps (a new area, retiring an area, the root CRL).
 * Open it, run the step, let it go; nothing else in the CA reads it.
 */
public final class RootKey {
  static final String PKCS12_ALIAS = "portcullis-root";

  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final String description;

  RootKey(PrivateKey privateKey, X509Certificate certificate, String description) {
    this.privateKey = privateKey;
    this.certificate = certificate;
    this.description = description;
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  /** The root certificate stored with the key. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Where the key is, for messages. */
  public String description() {
    return description;
  }

  /**
   * Opens the root key at {@code spec}. A missing file or token is {@code PRTC0405E} (the key is
   * offline); a wrong passphrase or PIN is {@code PRTC0406E}.
   */
  public static RootKey open(RootKeySpec spec) throws PortcullisException {
    Objects.requireNonNull(spec, "spec");
    try {
      KeyStore store = keyStore(spec);
      String alias = spec instanceof RootKeySpec.Pkcs11 p11 ? p11.alias() : PKCS12_ALIAS;
      char[] secret = spec instanceof RootKeySpec.Pkcs11 ? null : passphrase(spec);
      java.security.Key key = store.getKey(alias, secret);
      Certificate certificate = store.getCertificate(alias);
      if (!(key instanceof PrivateKey privateKey)
          || !(certificate instanceof X509Certificate x509)) {
        throw CaMessage.KEY_UNUSABLE.exception(
            spec.describe(), "no private key and certificate under " + alias);
      }
      return new RootKey(privateKey, x509, spec.describe());
    } catch (UnrecoverableKeyException e) {
      throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), "wrong passphrase or PIN");
    } catch (GeneralSecurityException e) {
      throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), e.getMessage());
    }
  }

  /** Generates the root key pair where {@code spec} says: in software or inside the token. */
  static KeyPair generate(RootKeySpec spec, KeyType type, SecureRandom random)
      throws PortcullisException {
    if (spec instanceof RootKeySpec.Pkcs11 p11) {
      Provider provider = pkcs11Provider(p11);
      try {
        // Log in first: keys generated into a token need an authenticated session.
        keyStore(p11);
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type.keyAlgorithm(), provider);
        generator.initialize(type.parameters(), random);
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), e.getMessage());
      }
    }
    return type.generate(random);
  }

  /** Stores the new root key with its certificate: a new PKCS#12 file (0600) or token entry. */
  static void store(RootKeySpec spec, PrivateKey key, X509Certificate certificate)
      throws PortcullisException {
    try {
      if (spec instanceof RootKeySpec.Pkcs11 p11) {
        KeyStore store = keyStore(p11);
        if (store.containsAlias(p11.alias())) {
          throw CaMessage.MATERIAL_EXISTS.exception(spec.describe());
        }
        store.setKeyEntry(p11.alias(), key, null, new Certificate[] {certificate});
        return;
      }
      RootKeySpec.Pkcs12 p12 = (RootKeySpec.Pkcs12) spec;
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(PKCS12_ALIAS, key, p12.passphrase(), new Certificate[] {certificate});
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      store.store(bytes, p12.passphrase());
      AtomicFiles.create(p12.file(), bytes.toByteArray(), true);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw CaMessage.MATERIAL_EXISTS.causedBy(e, spec.describe());
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, spec.describe(), e.getMessage());
    } catch (GeneralSecurityException e) {
      throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), e.getMessage());
    }
  }

  private static char[] passphrase(RootKeySpec spec) {
    return ((RootKeySpec.Pkcs12) spec).passphrase();
  }

  private static KeyStore keyStore(RootKeySpec spec)
      throws PortcullisException, GeneralSecurityException {
    try {
      if (spec instanceof RootKeySpec.Pkcs11 p11) {
        KeyStore store = KeyStore.getInstance("PKCS11", pkcs11Provider(p11));
        store.load(null, p11.pin());
        return store;
      }
      RootKeySpec.Pkcs12 p12 = (RootKeySpec.Pkcs12) spec;
      byte[] bytes = Files.readAllBytes(p12.file());
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), p12.passphrase());
      return store;
    } catch (NoSuchFileException e) {
      throw CaMessage.ROOT_KEY_NEEDED.causedBy(e, spec.describe());
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), "wrong passphrase or PIN");
      }
      throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), e.getMessage());
    }
  }

  private static synchronized Provider pkcs11Provider(RootKeySpec.Pkcs11 spec)
      throws PortcullisException {
    if (!Files.isReadable(spec.config())) {
      throw CaMessage.ROOT_KEY_NEEDED.exception(spec.describe());
    }
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw CaMessage.KEY_UNUSABLE.exception(spec.describe(), "this JDK has no SunPKCS11");
    }
    try {
      Provider configured = base.configure(spec.config().toString());
      if (Security.getProvider(configured.getName()) == null) {
        // JCA picks signature providers by key only among registered providers.
        Security.addProvider(configured);
      }
      return Security.getProvider(configured.getName());
    } catch (RuntimeException e) {
      throw CaMessage.KEY_UNUSABLE.causedBy(e, spec.describe(), e.getMessage());
    }
  }
}
