package io.portcullis.liberty.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AreaTrustStoreTest {
  private static final TestPki.Ca OLD_ROOT = TestPki.root("CN=Root G1");
  private static final TestPki.Ca NEW_ROOT = TestPki.root("CN=Root G2");
  private static final PortcullisProvider PROVIDER = new PortcullisProvider();

  @BeforeEach
  @AfterEach
  void nothingPublished() {
    AreaTrustStore.reset();
  }

  private static KeyStore loaded() throws Exception {
    KeyStore store = KeyStore.getInstance(PortcullisProvider.TRUST_STORE_TYPE, PROVIDER);
    store.load(null, null);
    return store;
  }

  @Test
  void servesEachAnchorOnceAsATrustedCertificateAndNoKey() throws Exception {
    AreaTrustStore.publish(
        List.of(OLD_ROOT.certificate(), NEW_ROOT.certificate(), OLD_ROOT.certificate()));

    KeyStore store = loaded();

    assertThat(store.size()).isEqualTo(2);
    for (String alias : Collections.list(store.aliases())) {
      assertThat(store.isCertificateEntry(alias)).isTrue();
      assertThat(store.isKeyEntry(alias)).isFalse();
      assertThat(store.getKey(alias, null)).isNull();
    }
    assertThat(store.getCertificateAlias(NEW_ROOT.certificate())).isNotNull();
  }

  @Test
  void theSameAnchorsInAnotherOrderAreNotPublishedAgain() throws Exception {
    assertThat(AreaTrustStore.publish(List.of(OLD_ROOT.certificate(), NEW_ROOT.certificate())))
        .isTrue();
    assertThat(AreaTrustStore.publish(List.of(NEW_ROOT.certificate(), OLD_ROOT.certificate())))
        .as("an area rebuilt for another reason: Liberty need not reload its trust")
        .isFalse();
    assertThat(AreaTrustStore.publish(List.of(NEW_ROOT.certificate()))).isTrue();
    assertThat(loaded().size()).isEqualTo(1);
  }

  @Test
  void theJdksTrustManagerTrustsWhatTheAreasTrustAndNothingRemoved() throws Exception {
    X509Certificate[] oldCaller = OLD_ROOT.issue("CN=old").clientAuth().issueLeaf().chainArray();
    X509Certificate[] newCaller = NEW_ROOT.issue("CN=new").clientAuth().issueLeaf().chainArray();
    AreaTrustStore.publish(List.of(OLD_ROOT.certificate(), NEW_ROOT.certificate()));
    X509TrustManager both = trustManager(loaded());
    both.checkClientTrusted(oldCaller, "EC");
    both.checkClientTrusted(newCaller, "EC");

    AreaTrustStore.publish(List.of(NEW_ROOT.certificate()));
    X509TrustManager next = trustManager(loaded());

    next.checkClientTrusted(newCaller, "EC");
    assertThatThrownBy(() -> next.checkClientTrusted(oldCaller, "EC"))
        .isInstanceOf(java.security.cert.CertificateException.class);
    PKIXParameters parameters = new PKIXParameters(loaded());
    parameters.setRevocationEnabled(false);
    assertThatThrownBy(
            () ->
                CertPathValidator.getInstance("PKIX")
                    .validate(
                        CertificateFactory.getInstance("X.509")
                            .generateCertPath(List.of(oldCaller[0])),
                        parameters))
        .as("the removed root, by the JDK's own validator")
        .isInstanceOf(java.security.cert.CertPathValidatorException.class);
  }

  @Test
  void aLoadForALaterPublicationWaitsForIt() throws Exception {
    AreaTrustStore.publish(List.of(OLD_ROOT.certificate()));
    Thread later =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              AreaTrustStore.publish(List.of(NEW_ROOT.certificate()));
            });
    later.start();
    KeyStore store = KeyStore.getInstance(PortcullisProvider.TRUST_STORE_TYPE, PROVIDER);
    String state = "run=" + KeySourceRegistry.RUN + "\ngeneration=2\n";

    store.load(new ByteArrayInputStream(state.getBytes(StandardCharsets.UTF_8)), null);

    later.join();
    assertThat(store.getCertificateAlias(NEW_ROOT.certificate())).isNotNull();
    assertThat(store.getCertificateAlias(OLD_ROOT.certificate())).isNull();
  }

  @Test
  void withNothingToTrustTheLoadFailsWithItsId() {
    AreaTrustStore store = new AreaTrustStore(Duration.ofMillis(200));

    assertThatThrownBy(() -> store.engineLoad(null, null))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("PRTC0316E");
  }

  @Test
  void isReadOnly() throws Exception {
    AreaTrustStore.publish(List.of(OLD_ROOT.certificate()));
    KeyStore store = loaded();

    assertThatThrownBy(() -> store.setCertificateEntry("extra", NEW_ROOT.certificate()))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageStartingWith("PRTC0529E");
    assertThatThrownBy(() -> store.deleteEntry(Collections.list(store.aliases()).get(0)))
        .isInstanceOf(KeyStoreException.class);
  }

  private static X509TrustManager trustManager(KeyStore store) throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }
}
