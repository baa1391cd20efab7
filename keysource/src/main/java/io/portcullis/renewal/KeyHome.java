package io.portcullis.renewal;

import io.portcullis.PortcullisException;
import io.portcullis.keys.KeyType;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/** Where a key source keeps its keys, as renewal needs it: make a key, store it with its chain. */
interface KeyHome {
  /** A fresh key pair of {@code type}, made where the keys live (never the current key again). */
  KeyPair newKeyPair(KeyType type, String currentAlias) throws PortcullisException;

  /**
   * Stores {@code keys} with {@code chain} under {@code alias}, so that the key source's next load
   * serves them; all or nothing.
   */
  void install(KeyPair keys, List<X509Certificate> chain, String alias) throws PortcullisException;

  /** Deletes the key a renewal replaced, once nothing serves it any more. */
  void retire(String alias) throws PortcullisException;
}
