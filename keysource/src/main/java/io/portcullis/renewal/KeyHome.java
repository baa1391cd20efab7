package io.portcullis.renewal;

import io.portcullis.PortcullisException;
import io.portcullis.keys.KeyType;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/** Where a key source keeps its keys, as renewal needs it: make a key, store it with its chain. */
interface KeyHome {
  /** A key a renewal made, and the alias it is stored under. */
  record NewKey(String alias, KeyPair keys) {}

  /**
   * A fresh key pair of {@code type}, made where the keys live (never the current key again).
   *
   * @param currentAlias the alias the key source serves now
   */
  NewKey newKey(KeyType type, String currentAlias) throws PortcullisException;

  /** Stores {@code chain} with the new key, so that the key source's next load serves them. */
  void install(NewKey key, List<X509Certificate> chain) throws PortcullisException;

  /** Deletes a new key whose renewal failed before it was installed. */
  void discard(NewKey key);

  /** Deletes the key a renewal replaced, once its grace period is over. */
  void retire(String alias);

  /**
   * At start: deletes what an interrupted run left behind (keys older than the one served, keys
   * that never got a certificate, temporary files), keeping {@code serving}.
   */
  void cleanUp(String serving) throws PortcullisException;
}
