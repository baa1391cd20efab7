package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class IdentityReaderTest {
  private static final TestPki.Ca AREA = TestPki.root("CN=Root").intermediate("CN=Area");

  @Test
  void readsSpiffeIdSansAndDn() throws PortcullisException {
    X509Certificate cert =
        AREA.issue("CN=orders, OU=payments, O=Corp")
            .uriSan("spiffe://corp.example/orders")
            .dnsSan("orders.svc")
            .dnsSan("orders-1.pool.svc")
            .build();
    WorkloadIdentity identity = IdentityReader.read(cert);
    assertThat(identity.principalName()).isEqualTo("spiffe://corp.example/orders");
    assertThat(identity.dnsSans()).containsExactly("orders.svc", "orders-1.pool.svc");
    assertThat(identity.subjectDn()).isEqualTo("CN=orders,OU=payments,O=Corp");
    assertThat(identity.serial()).isEqualTo(cert.getSerialNumber());
    assertThat(identity.sha256()).hasSize(64).matches("[0-9a-f]+");
    assertThat(identity.area()).isEmpty();
    assertThat(identity.inArea("payments").area()).isEqualTo("payments");
    // One SPIFFE ID vouched for by two areas is two callers.
    assertThat(identity.inArea("payments").uniqueName())
        .isEqualTo("payments/spiffe://corp.example/orders")
        .isNotEqualTo(identity.inArea("orders").uniqueName());
  }

  @Test
  void fallsBackToSubjectDnWithoutSpiffeId() throws PortcullisException {
    X509Certificate cert = AREA.issue("CN=legacy, O=Corp").dnsSan("legacy.corp").build();
    assertThat(IdentityReader.read(cert).principalName()).isEqualTo("CN=legacy,O=Corp");
  }

  @Test
  void nonSpiffeUrisAreKeptButDoNotNameTheCaller() throws PortcullisException {
    X509Certificate cert = AREA.issue("CN=web").uriSan("https://corp.example/web").build();
    WorkloadIdentity identity = IdentityReader.read(cert);
    assertThat(identity.uriSans()).containsExactly("https://corp.example/web");
    assertThat(identity.principalName()).isEqualTo("CN=web");
  }

  @Test
  void refusesTwoSpiffeIds() {
    X509Certificate cert =
        AREA.issue("CN=two")
            .uriSan("spiffe://corp.example/a")
            .uriSan("spiffe://corp.example/b")
            .build();
    assertThatThrownBy(() -> IdentityReader.read(cert)).hasMessageStartingWith("PRTC0202E");
  }

  @Test
  void refusesMalformedSpiffeId() {
    X509Certificate cert = AREA.issue("CN=bad").uriSan("spiffe://corp.example/../admin").build();
    assertThatThrownBy(() -> IdentityReader.read(cert)).hasMessageStartingWith("PRTC0201E");
  }
}
