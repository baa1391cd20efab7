package io.portcullis.renewal;

import io.portcullis.keys.Generations;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.messages.PortcullisException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Where a token key source (PKCS#11, TPM) keeps its renewed keys: each renewal generates a new key
 * inside the token under the next generation's alias ({@link Generations}), never exported; the
 * certificate is stored with it, which makes it the generation the key source serves; the replaced
 * key is deleted from the token after the grace period.
 */
final class TokenHome implements KeyHome {
  private static final Logger LOG = Logger.getLogger(TokenHome.class.getName());

  private final String name;
  private final KeySource source;
  private final String base;

  TokenHome(String name, KeySource source, String base) {
    this.name = name;
    this.source = source;
    this.base = base;
  }

  @Override
  public NewKey newKey(KeyType type, String currentAlias) throws PortcullisException {
    TokenKeys token = TokenKeys.of(source);
    // A generation number is never used twice, even across a crash: a kill between storing a new
    // private key and its certificate leaves a key the KeyStore API cannot see but that holds the
    // alias as its CKA_ID, and a second key with that ID makes SunPKCS11 refuse the whole token.
    // So the number is the wall clock in milliseconds, or one more than the newest when ahead.
    long next = System.currentTimeMillis();
    for (String alias : Generations.of(base, token.aliases())) {
      next = Math.max(next, Generations.number(base, alias) + 1);
    }
    String alias = Generations.alias(base, next);
    PublicKey publicKey = token.generate(alias, type);
    return new NewKey(alias, new KeyPair(publicKey, token.material(alias).privateKey()));
  }

  @Override
  public Optional<NewKey> pending(KeyMaterial serving) throws PortcullisException {
    TokenKeys token = TokenKeys.of(source);
    List<String> generations = Generations.of(base, token.aliases());
    if (generations.isEmpty()) {
      return Optional.empty();
    }
    String newest = generations.get(generations.size() - 1);
    if (Generations.number(base, newest) <= Generations.number(base, serving.alias())) {
      return Optional.empty();
    }
    KeyMaterial material = token.material(newest);
    if (!Generations.isPlaceholder(material.certificate())) {
      return Optional.empty();
    }
    return Optional.of(
        new NewKey(
            newest, new KeyPair(material.certificate().getPublicKey(), material.privateKey())));
  }

  @Override
  public void install(NewKey key, List<X509Certificate> chain) throws PortcullisException {
    TokenKeys.of(source).storeCertificate(key.alias(), chain);
  }

  @Override
  public void discard(NewKey key) {
    delete(key.alias());
  }

  @Override
  public void retire(String alias) {
    delete(alias);
  }

  @Override
  public void cleanUp(String serving) throws PortcullisException {
    List<String> generations = Generations.of(base, TokenKeys.of(source).aliases());
    // the key source serves the newest certified generation: a newer one is the pending key
    String newest = generations.isEmpty() ? serving : generations.get(generations.size() - 1);
    for (String alias : generations) {
      if (!alias.equals(serving) && !alias.equals(newest)) {
        // an older generation past its grace, or an uncertified key behind the pending one
        delete(alias);
      }
    }
  }

  private void delete(String alias) {
    try {
      TokenKeys.of(source).delete(alias);
      LOG.info(io.portcullis.keys.KeySourceMessage.RENEWAL_KEY_DELETED.format(name, alias));
    } catch (PortcullisException e) {
      LOG.warning(e.getMessage());
    }
  }
}
