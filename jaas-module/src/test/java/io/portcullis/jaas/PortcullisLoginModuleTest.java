package io.portcullis.jaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustArea;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.CredentialNotFoundException;
import javax.security.auth.login.FailedLoginException;
import org.junit.jupiter.api.Test;

class PortcullisLoginModuleTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");
  private static final CertificateAuthenticator AUTHENTICATOR =
      new CertificateAuthenticator(
          new PkixTrustValidator(
              List.of(new TrustArea("payments", List.of(ROOT.certificate()), List.of())),
              Clock.systemUTC()),
          new RoleRules(
              List.of(new RoleRule(Attribute.URI_SAN, "spiffe://corp/reader", List.of("reader")))),
          false);

  private static PortcullisLoginModule module(Subject subject, CallbackHandler handler) {
    PortcullisLoginModule module = new PortcullisLoginModule();
    module.initialize(
        subject,
        handler,
        Map.of(),
        Map.of(PortcullisLoginModule.OPTION_AUTHENTICATOR, AUTHENTICATOR));
    return module;
  }

  @Test
  void chainFromCallbackAddsCallerAndGroupPrincipals() throws Exception {
    X509Certificate[] chain = AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray();
    Subject subject = new Subject();
    PortcullisLoginModule module =
        module(subject, callbacks -> ((CertificateChainCallback) callbacks[0]).setChain(chain));
    assertThat(module.login()).isTrue();
    assertThat(module.commit()).isTrue();
    assertThat(subject.getPrincipals())
        .containsExactlyInAnyOrder(
            new PortcullisPrincipal("spiffe://corp/reader", PortcullisPrincipal.Kind.CALLER),
            new PortcullisPrincipal("reader", PortcullisPrincipal.Kind.GROUP));
    assertThat(module.logout()).isTrue();
    assertThat(subject.getPrincipals()).isEmpty();
  }

  @Test
  void chainFromSubjectPublicCredentialsWhenTheHandlerCannotHelp() throws Exception {
    X509Certificate[] chain = AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray();
    Subject subject = new Subject();
    subject
        .getPublicCredentials()
        .add(CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain)));
    PortcullisLoginModule module =
        module(
            subject,
            callbacks -> {
              throw new UnsupportedCallbackException(callbacks[0]);
            });
    assertThat(module.login()).isTrue();
    module.commit();
    assertThat(subject.getPrincipals()).hasSize(2);
  }

  @Test
  void refusalsAreLoginExceptionsWithIds() {
    Subject subject = new Subject();
    assertThatThrownBy(() -> module(subject, null).login())
        .isInstanceOf(CredentialNotFoundException.class)
        .hasMessageStartingWith("PRTC0301E");
    X509Certificate[] foreign =
        TestPki.root("CN=F")
            .intermediate("CN=FA")
            .clientLeaf("CN=f", "spiffe://corp/reader")
            .chainArray();
    assertThatThrownBy(
            () -> module(subject, c -> ((CertificateChainCallback) c[0]).setChain(foreign)).login())
        .isInstanceOf(FailedLoginException.class)
        .hasMessageStartingWith("PRTC0105E");
    PortcullisLoginModule unconfigured = new PortcullisLoginModule();
    unconfigured.initialize(subject, null, Map.of(), Map.of());
    assertThatThrownBy(unconfigured::login).hasMessageStartingWith("PRTC0707E");
    assertThat(subject.getPrincipals()).isEmpty();
  }
}
