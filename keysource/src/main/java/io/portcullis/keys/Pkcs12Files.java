package io.portcullis.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Writes a PKCS#12 key store so that a crash never leaves a half-written one ({@link SecretFiles}):
 * readers see the old file or the new one.
 */
public final class Pkcs12Files {
  private Pkcs12Files() {}

  /** The prefix of the temporary files {@link #write} makes beside {@code file}. */
  public static String tempPrefix(Path file) {
    return SecretFiles.tempPrefix(file);
  }

  /**
   * Writes {@code key} with {@code chain} under {@code alias} to {@code file}, replacing it.
   *
   * @throws IOException when the file cannot be written (the old one, if any, is untouched)
   */
  public static void write(
      Path file, String alias, char[] password, PrivateKey key, List<X509Certificate> chain)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(alias, key, password, chain.toArray(new Certificate[0]));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, password);
    SecretFiles.write(file, bytes.toByteArray());
  }
}
