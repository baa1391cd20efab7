package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One PKCS#11 token opened through the JDK's SunPKCS11 provider: the provider configured for the
 * token's slot and registered with {@link Security} (JSSE looks signature implementations up by
 * algorithm, without naming a provider), and the token's key store, logged in with the PIN.
 *
 * <p>The generated configuration makes every private key generated through it a token object that
 * is sensitive and not extractable, so it can sign but never leave the token.
 */
final class Pkcs11Token {
  /** By provider (token): a keyed digest of the PIN the current login was made with. */
  private static final java.util.Map<String, byte[]> LOGGED_IN_WITH =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * By provider (token): the PINs (keyed digests) the token refused as wrong, locked or expired,
   * with the ID it answered. Such a PIN is never sent again in this process: each retry could count
   * towards the token's lockout.
   */
  private static final java.util.Map<String, java.util.Map<java.nio.ByteBuffer, String>>
      REFUSED_PINS = new java.util.concurrent.ConcurrentHashMap<>();

  private static final javax.crypto.SecretKey PIN_TAG_KEY = newPinTagKey();

  private final KeySourceConfig config;
  private final Provider provider;
  private final KeyStore keyStore;
  private final String description;

  private Pkcs11Token(
      KeySourceConfig config, Provider provider, KeyStore keyStore, String description) {
    this.config = config;
    this.provider = provider;
    this.keyStore = keyStore;
    this.description = description;
  }

  /** Opens and logs in to the token {@code config} selects. */
  static Pkcs11Token open(KeySourceConfig config) throws PortcullisException {
    Path library = config.library().orElseThrow();
    if (!Files.isRegularFile(library) || !Files.isReadable(library)) {
      throw KeySourceMessage.LIBRARY_UNLOADABLE.exception(library, "no readable file at that path");
    }
    String slotLine;
    String description;
    if (config.tokenLabel().isPresent()) {
      String label = config.tokenLabel().get();
      long slot = TokenSlots.slotOf(library, label);
      slotLine = "slot = " + slot;
      description = "token '" + label + "' (" + library + ")";
    } else if (config.slot().isPresent()) {
      slotLine = "slot = " + config.slot().getAsLong();
      description = "token in slot " + config.slot().getAsLong() + " (" + library + ")";
    } else {
      slotLine = "slotListIndex = " + config.slotListIndex().getAsInt();
      description =
          "token at slot list index " + config.slotListIndex().getAsInt() + " (" + library + ")";
    }
    Provider provider =
        provider(library, slotLine, description, config.type() == KeySourceType.TPM);
    KeyStore keyStore;
    try {
      keyStore = KeyStore.getInstance("PKCS11", provider);
    } catch (KeyStoreException e) {
      // SunPKCS11 offers its key store only while a token is present in the slot.
      throw KeySourceMessage.NO_TOKEN.causedBy(e, description);
    }
    Pkcs11Token token = new Pkcs11Token(config, provider, keyStore, description);
    token.refresh();
    return token;
  }

  private static Provider provider(
      Path library, String slotLine, String description, boolean publicKeyOnToken)
      throws PortcullisException {
    String name = "Portcullis-" + shortHash(library + "|" + slotLine);
    Provider existing = Security.getProvider("SunPKCS11-" + name);
    if (existing != null) {
      return existing;
    }
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw KeySourceMessage.LIBRARY_UNLOADABLE.exception(
          library, "this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
    }
    String configText =
        String.join(
            "\n",
            "name = " + name,
            "library = " + library,
            slotLine,
            "attributes(generate, CKO_PRIVATE_KEY, *) = {",
            "  CKA_TOKEN = true",
            "  CKA_PRIVATE = true",
            "  CKA_SENSITIVE = true",
            "  CKA_EXTRACTABLE = false",
            "}",
            // The public key is a session object: the certificate carries it, and a token object
            // would outlive the private key (the key store deletes only the private key and its
            // certificate), one orphan per renewal until the token is full. tpm2-pkcs11 refuses a
            // key pair whose halves differ in CKA_TOKEN, so there it stays on the token.
            "attributes(generate, CKO_PUBLIC_KEY, *) = {",
            "  CKA_TOKEN = " + publicKeyOnToken,
            "}",
            "");
    Provider configured;
    try {
      configured = base.configure("--" + configText);
    } catch (ProviderException | java.security.InvalidParameterException e) {
      String text = Pkcs11Errors.describe(e);
      if (text.contains("slotListIndex") || text.contains("CKR_SLOT_ID_INVALID")) {
        throw KeySourceMessage.NO_TOKEN.causedBy(e, description);
      }
      if (text.contains("CKR_") && !text.contains("CKR_GENERAL_ERROR")) {
        throw Pkcs11Errors.general(e, description);
      }
      throw KeySourceMessage.LIBRARY_UNLOADABLE.causedBy(e, library, text);
    }
    synchronized (Pkcs11Token.class) {
      Provider raced = Security.getProvider(configured.getName());
      if (raced != null) {
        return raced;
      }
      Security.addProvider(configured);
      return configured;
    }
  }

  private static javax.crypto.SecretKey newPinTagKey() {
    try {
      return javax.crypto.KeyGenerator.getInstance("HmacSHA256").generateKey();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /**
   * Loads the key store again: logs in when the token lost the login (restart, failover, logout)
   * and sees keys and certificates written since the last load.
   */
  synchronized KeyStore refresh() throws PortcullisException {
    char[] pin = config.secret().orElseThrow().chars();
    byte[] tag = pinTag(pin);
    try {
      String refusedAs =
          REFUSED_PINS
              .getOrDefault(provider.getName(), java.util.Map.of())
              .get(java.nio.ByteBuffer.wrap(tag));
      if (refusedAs != null) {
        throw KeySourceMessage.PIN_NOT_RETRIED.exception(description, refusedAs);
      }
      // PKCS#11 keeps one login per token for the whole process, and SunPKCS11 skips C_Login
      // when the token is already logged in; so a PIN that differs from the one that logged in
      // would otherwise be accepted unchecked.
      byte[] known = LOGGED_IN_WITH.get(provider.getName());
      if (known != null && !MessageDigest.isEqual(known, tag)) {
        throw KeySourceMessage.WRONG_PIN.exception(description);
      }
      keyStore.load(null, pin);
      LOGGED_IN_WITH.put(provider.getName(), tag);
      return keyStore;
    } catch (IOException | GeneralSecurityException | ProviderException e) {
      PortcullisException failure = Pkcs11Errors.general(e, description);
      if (KeySourceMessage.WRONG_PIN.is(failure) || KeySourceMessage.PIN_LOCKED.is(failure)) {
        // The token answered this PIN itself: remember the answer, and that no login stands.
        REFUSED_PINS
            .computeIfAbsent(
                provider.getName(), name -> new java.util.concurrent.ConcurrentHashMap<>())
            .put(java.nio.ByteBuffer.wrap(tag), failure.messageId());
        LOGGED_IN_WITH.remove(provider.getName());
      }
      throw failure;
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  /**
   * The token lost its login (restart, failover, logout): the next load logs in afresh, with the
   * PIN configured then, whichever PIN the lost login was made with.
   */
  void loginLost() {
    LOGGED_IN_WITH.remove(provider.getName());
  }

  /** A keyed digest of a PIN, so the PIN that logged in is remembered without being kept. */
  private static byte[] pinTag(char[] pin) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(PIN_TAG_KEY);
      java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pin));
      mac.update(bytes);
      Arrays.fill(bytes.array(), (byte) 0);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }

  /** The key store as last loaded; call {@link #refresh()} first to see recent changes. */
  KeyStore keyStore() {
    return keyStore;
  }

  Provider provider() {
    return provider;
  }

  String description() {
    return description;
  }

  KeySourceConfig config() {
    return config;
  }
}
