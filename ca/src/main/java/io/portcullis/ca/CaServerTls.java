package io.portcullis.ca;

import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.FixedKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context of {@code ca serve}, which follows the CA's state directory at every handshake,
 * so a root rollover needs no restart of the endpoint:
 *
 * <ul>
 *   <li>A client certificate is accepted when it chains, through the intermediates of the live
 *       areas (or those the client sends), to a root of the bundle: the active root, and during a
 *       rollover the other one. The endpoint judges it ({@link #checkClient}) before it reads the
 *       request, not the handshake: with TLS 1.3 a client learns of a handshake refusal only as a
 *       closed connection, while a refusal in the answer carries its ID and reason. A workload
 *       holding a chain to the previous root can renew after {@code root activate}, and after
 *       {@code retire-previous} too while its leaf is valid (its area's key certified it; the
 *       intermediate under the new root has the same name and key).
 *   <li>No extended key usage is asked of it: what the endpoint needs is proof of the key (the
 *       handshake gives it), and the certificate being renewed may be a server-only one ({@code
 *       --usage server}). Whether it is its workload's current certificate, unrevoked, is the CA's
 *       decision at {@code /v1/renew}, not the handshake's.
 *   <li>The endpoint's own leaf is sent with its area's intermediates under every live root, the
 *       active root's first, so a client trusting either root finds its path.
 * </ul>
 */
public final class CaServerTls {
  private static final Logger LOG = Logger.getLogger(CaServerTls.class.getName());

  private CaServerTls() {}

  /**
   * A TLS context presenting {@code chain} (leaf first; the intermediates are replaced by the CA's
   * current ones for the leaf's issuer, when the CA issued it) with {@code key}, trusting client
   * certificates as the class says.
   */
  public static SSLContext context(
      CertificateAuthority ca, List<X509Certificate> chain, PrivateKey key, SecureRandom random)
      throws GeneralSecurityException {
    List<X509Certificate> configured = List.copyOf(chain);
    KeyManager keys = new FixedKeyManager(key, () -> presented(ca, configured));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {keys}, new TrustManager[] {new Clients(ca)}, random);
    return context;
  }

  /** The leaf with the CA's live intermediates of its issuer, or the configured chain. */
  static List<X509Certificate> presented(
      CertificateAuthority ca, List<X509Certificate> configured) {
    X509Certificate leaf = configured.get(0);
    try {
      List<X509Certificate> presented = new ArrayList<>();
      presented.add(leaf);
      for (X509Certificate intermediate : ca.trustedIntermediates()) {
        if (issued(intermediate, leaf)) {
          presented.add(intermediate);
        }
      }
      return presented.size() > 1 ? presented : configured;
    } catch (PortcullisException e) {
      LOG.log(Level.FINE, "the CA's intermediates could not be read; the configured chain", e);
      return configured;
    }
  }

  private static boolean issued(X509Certificate issuer, X509Certificate leaf) {
    if (!issuer.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
      return false;
    }
    try {
      leaf.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Whether {@code chain} (as the client sent it, leaf first) is a client of {@code ca}: a path to
   * a live root, built by the JDK; no key usage purpose asked.
   *
   * @throws CertificateException why not, for the answer
   */
  static void checkClient(CertificateAuthority ca, X509Certificate[] chain)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no client certificate");
    }
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate root : ca.trustedRoots()) {
        anchors.add(new TrustAnchor(root, null));
      }
      List<X509Certificate> known = new ArrayList<>(ca.trustedIntermediates());
      known.addAll(Arrays.asList(chain).subList(1, chain.length));
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(chain[0]);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(known)));
      // Revocation and currency are the CA's to decide at /v1/renew, from its own records.
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(ca.clock().instant()));
      CertPathBuilder.getInstance("PKIX").build(parameters);
    } catch (PortcullisException e) {
      throw new CertificateException("the CA's roots cannot be read: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "the client certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " does not chain to a root of this CA: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The handshake's side: any client certificate whose key the handshake proves is let through to
   * the endpoint, which judges it with {@link #checkClient} before anything else; clients without
   * one (first issuance) too.
   */
  static final class Clients extends X509ExtendedTrustManager {
    private final CertificateAuthority ca;

    Clients(CertificateAuthority ca) {
      this.ca = ca;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // judged by the endpoint: see checkClient
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // judged by the endpoint: see checkClient
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // judged by the endpoint: see checkClient
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("ca serve trusts no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("ca serve trusts no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("ca serve trusts no servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      try {
        return ca.trustedRoots().toArray(new X509Certificate[0]);
      } catch (PortcullisException e) {
        return new X509Certificate[0];
      }
    }
  }
}
