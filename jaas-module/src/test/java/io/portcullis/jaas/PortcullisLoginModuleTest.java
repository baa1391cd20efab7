package io.portcullis.jaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustArea;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.CredentialNotFoundException;
import javax.security.auth.login.FailedLoginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void chainFromCallbackAddsCallerAreaAndGroupPrincipals() throws Exception {
    X509Certificate[] chain = AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray();
    Subject subject = new Subject();
    PortcullisLoginModule module =
        module(subject, callbacks -> ((CertificateChainCallback) callbacks[0]).setChain(chain));
    assertThat(module.login()).isTrue();
    assertThat(module.commit()).isTrue();
    assertThat(subject.getPrincipals())
        .containsExactlyInAnyOrder(
            new PortcullisPrincipal("spiffe://corp/reader", PortcullisPrincipal.Kind.CALLER),
            new PortcullisPrincipal("payments", PortcullisPrincipal.Kind.AREA),
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
    assertThat(subject.getPrincipals()).hasSize(3);
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

  @Test
  void moduleConfiguredFromAFileSeesACrlReplacedWhileItRuns(@TempDir Path dir) throws Exception {
    TestPki.Leaf caller = AREA.clientLeaf("CN=soon-revoked", "spiffe://corp/reader");
    Path crl = dir.resolve("area.crl");
    Files.writeString(crl, TestPki.pem(AREA.crl()));
    Files.writeString(dir.resolve("root.pem"), TestPki.pem(ROOT.certificate()));
    Files.writeString(dir.resolve("area.pem"), TestPki.pem(AREA.certificate()));
    Path config = dir.resolve("portcullis.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "portcullis.area.a.anchors=root.pem",
            "portcullis.area.a.intermediates=area.pem",
            "portcullis.area.a.crl=area.crl",
            "portcullis.area.a.crl.refresh=1s",
            "portcullis.area.a.revocation=hard-fail",
            "portcullis.rule.reader.attribute=uriSan",
            "portcullis.rule.reader.pattern=spiffe://corp/reader",
            "portcullis.rule.reader.groups=reader"));
    CallbackHandler handler =
        callbacks -> ((CertificateChainCallback) callbacks[0]).setChain(caller.chainArray());
    assertThat(fileModule(config, handler).login()).isTrue();

    Path next = dir.resolve("area.crl.tmp");
    Files.writeString(next, TestPki.pem(AREA.crl(caller.certificate().getSerialNumber())));
    Files.move(next, crl, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    Instant deadline = Instant.now().plus(PortcullisConfig.BACKGROUND_TICK.multipliedBy(4));
    String refusal = null;
    while (refusal == null && Instant.now().isBefore(deadline)) {
      try {
        fileModule(config, handler).login();
        Thread.sleep(200);
      } catch (FailedLoginException e) {
        refusal = e.getMessage();
      }
    }
    assertThat(refusal).as("refused once the replaced CRL is read").startsWith("PRTC0118E");
  }

  private static PortcullisLoginModule fileModule(Path config, CallbackHandler handler) {
    PortcullisLoginModule module = new PortcullisLoginModule();
    module.initialize(
        new Subject(),
        handler,
        Map.of(),
        Map.of(PortcullisLoginModule.OPTION_CONFIG, config.toString()));
    return module;
  }
}
