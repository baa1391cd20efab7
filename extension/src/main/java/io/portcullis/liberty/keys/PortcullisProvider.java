package io.portcullis.liberty.keys;

import java.security.Provider;

/**
 * The JCA provider through which Liberty's {@code <keyStore type="PortcullisKeySource">} reaches
 * the key sources of {@code <usr_portcullis>}. It offers only that key store type: signatures with
 * token keys stay with the token's own SunPKCS11 provider.
 */
public final class PortcullisProvider extends Provider {
  private static final long serialVersionUID = 1L;

  /** The provider name, for {@code <keyStore provider="...">}. */
  public static final String NAME = "Portcullis";

  /** The key store type, for {@code <keyStore type="...">}. */
  public static final String KEY_STORE_TYPE = "PortcullisKeySource";

  public PortcullisProvider() {
    super(NAME, "1.0", "Portcullis key sources (PKCS#12, PKCS#11 token, TPM 2.0) as a KeyStore");
    putService(new KeyStoreService(this));
  }

  /** Creates the key store directly: no reflective lookup across the bundle's class loader. */
  private static final class KeyStoreService extends Service {
    KeyStoreService(Provider provider) {
      super(provider, "KeyStore", KEY_STORE_TYPE, KeySourceKeyStore.class.getName(), null, null);
    }

    @Override
    public Object newInstance(Object constructorParameter) {
      return new KeySourceKeyStore();
    }
  }
}
