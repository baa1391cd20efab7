package io.portcullis.renewal;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** Where a key source keeps its keys, as renewal needs it: make a key, store it with its chain. */
interface KeyHome {
  /** A key a renewal made, and the alias it is stored under. */
  record NewKey(String alias, KeyPair keys) {}

  /**
   * A fresh key pair of {@code type}, made where the keys live (never the current key again) and
   * kept there before its certificate is asked for, so that a crash after the issuer issued it
   * leaves the key its certificate certifies ({@link #pending}).
   *
   * @param currentAlias the alias the key source serves now
   */
  NewKey newKey(KeyType type, String currentAlias) throws PortcullisException;

  /**
   * The key a renewal made and never installed or discarded (the process stopped in between), if
   * there is one: its certificate may have been issued, and only this key can use it.
   *
   * @param serving the credential the key source serves now
   */
  Optional<NewKey> pending(KeyMaterial serving) throws PortcullisException;

  /** Stores {@code chain} with the new key, so that the key source's next load serves them. */
  void install(NewKey key, List<X509Certificate> chain) throws PortcullisException;

  /** Deletes a new key whose renewal failed before it was installed. */
  void discard(NewKey key);

  /** Deletes the key a renewal replaced, once its grace period is over. */
  void retire(String alias);

  /**
   * At start: deletes what an interrupted run left behind (keys older than the one served,
   * temporary files), keeping {@code serving} and the {@link #pending} key.
   */
  void cleanUp(String serving) throws PortcullisException;
}
