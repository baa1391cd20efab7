package io.portcullis.liberty.keys;

import java.security.Provider;

/**
 * The JCA provider through which Liberty's {@code <keyStore type="PortcullisKeySource">} reaches
 * the key sources of {@code <usr_portcullis>}. It also offers {@code PortcullisTrust}, the trust
 * areas' anchors as a trust store. Nothing else: signatures with token keys stay with the token's
 * own SunPKCS11 provider.
 */
public final class PortcullisProvider extends Provider {
  private static final long serialVersionUID = 1L;

  /** The provider name, for {@code <keyStore provider="...">}. */
  public static final String NAME = "Portcullis";

  /** The key store type, for {@code <keyStore type="...">}. */
  public static final String KEY_STORE_TYPE = "PortcullisKeySource";

  /** The trust store type (the trust areas' anchors), for {@code <keyStore type="...">}. */
  public static final String TRUST_STORE_TYPE = "PortcullisTrust";

  public PortcullisProvider() {
    super(NAME, "1.0", "Portcullis key sources (PKCS#12, PKCS#11 token, TPM 2.0) as a KeyStore");
    putService(new KeyStoreService(this));
    putService(new TrustStoreService(this));
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

  /** The trust areas' anchors as a trust store, created directly like the key store. */
  private static final class TrustStoreService extends Service {
    TrustStoreService(Provider provider) {
      super(provider, "KeyStore", TRUST_STORE_TYPE, AreaTrustStore.class.getName(), null, null);
    }

    @Override
    public Object newInstance(Object constructorParameter) {
      return new AreaTrustStore();
    }
  }
}
