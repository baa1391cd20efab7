package io.portcullis.jaas;

import java.security.cert.X509Certificate;
import javax.security.auth.callback.Callback;

/**
 * Asks a JAAS {@link javax.security.auth.callback.CallbackHandler} for the TLS client certificate
 * chain (leaf first). A handler that does not know this callback may throw {@link
 * javax.security.auth.callback.UnsupportedCallbackException}; the login module then looks in the
 * Subject's public credentials.
 */
public final class CertificateChainCallback implements Callback {
  private X509Certificate[] chain;

  /** The chain the handler supplied, or {@code null}. */
  public X509Certificate[] chain() {
    return chain == null ? null : chain.clone();
  }

  /** Supplies the chain. */
  public void setChain(X509Certificate[] chain) {
    this.chain = chain == null ? null : chain.clone();
  }
}
