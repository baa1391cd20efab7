package io.portcullis.liberty.keys;

import io.portcullis.keys.KeySourceMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.security.Key;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.cert.Certificate;

/**
 * What the feature's key stores share: Liberty reads them, nothing writes them. Every change is
 * refused with {@code PRTC0529E}; the content comes from the configuration (key sources, trust
 * areas), never from a caller of the key store.
 */
abstract class ReadOnlyKeyStoreSpi extends KeyStoreSpi {
  @Override
  public final void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain)
      throws KeyStoreException {
    throw readOnly("setting a key entry");
  }

  @Override
  public final void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain)
      throws KeyStoreException {
    throw readOnly("setting a key entry");
  }

  @Override
  public final void engineSetCertificateEntry(String alias, Certificate cert)
      throws KeyStoreException {
    throw readOnly("adding a certificate");
  }

  @Override
  public final void engineDeleteEntry(String alias) throws KeyStoreException {
    throw readOnly("deleting an entry");
  }

  @Override
  public final void engineStore(OutputStream stream, char[] password) throws IOException {
    throw new IOException(KeySourceMessage.KEYSTORE_READ_ONLY.format("storing"));
  }

  private static KeyStoreException readOnly(String operation) {
    return new KeyStoreException(KeySourceMessage.KEYSTORE_READ_ONLY.format(operation));
  }
}
