package io.portcullis.liberty.jaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.auth.LibertyCredential;
import io.portcullis.jaas.CertificateChainCallback;
import io.portcullis.jaas.PortcullisLoginModule;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustArea;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginException;
import org.junit.jupiter.api.Test;

/**
 * What the JAAS adapter hands Liberty's hashtable login module for a caller the core accepted.
 * (Liberty's own callbacks cannot be built outside the server; AdaptersIT drives the whole module.)
 */
class LibertyCertificateLoginModuleTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");
  private static final String READER = "spiffe://corp/reader";

  /** The principals the core module gives {@code chain}, as the adapter sees them. */
  private static Subject coreLogin(X509Certificate[] chain) throws LoginException {
    CertificateAuthenticator authenticator =
        new CertificateAuthenticator(
            new PkixTrustValidator(
                List.of(new TrustArea("payments", List.of(AREA.certificate()), List.of())),
                Clock.systemUTC()),
            new RoleRules(List.of(new RoleRule(Attribute.URI_SAN, READER, List.of("reader")))),
            false);
    Subject scratch = new Subject();
    PortcullisLoginModule core = new PortcullisLoginModule();
    core.initialize(
        scratch,
        callbacks -> ((CertificateChainCallback) callbacks[0]).setChain(chain),
        new HashMap<>(),
        Map.of(PortcullisLoginModule.OPTION_AUTHENTICATOR, authenticator));
    core.login();
    core.commit();
    return scratch;
  }

  @Test
  void acceptedCallerCarriesTheAreaInTheUniqueIdAndAsksForNoSsoCookie() throws Exception {
    X509Certificate[] chain = AREA.clientLeaf("CN=reader-client", READER).chainArray();
    Hashtable<String, Object> credential =
        LibertyCertificateLoginModule.credential("corp", coreLogin(chain), chain[0]);
    assertThat(credential.get(LibertyCredential.UNIQUE_ID))
        .isEqualTo("user:corp/payments/" + READER);
    assertThat(credential.get(LibertyCredential.SECURITY_NAME)).isEqualTo(READER);
    assertThat(credential.get(LibertyCredential.REALM)).isEqualTo("corp");
    assertThat(credential.get(LibertyCredential.GROUPS)).isEqualTo(List.of("group:corp/reader"));
    // Liberty's authentication cache is keyed by this: it names the area as the unique ID does.
    assertThat((String) credential.get(LibertyCredential.CACHE_KEY))
        .startsWith("portcullis-jaas:payments:");
    // Without this flag Liberty answers the certificate login with an LtpaToken2 cookie.
    assertThat(credential.get(LibertyCertificateLoginModule.NO_SSO_COOKIE)).isEqualTo(Boolean.TRUE);
  }

  @Test
  void subjectWithoutACallerGivesNoCredential() {
    X509Certificate leaf = AREA.clientLeaf("CN=reader-client", READER).chainArray()[0];
    assertThatThrownBy(() -> LibertyCertificateLoginModule.credential("corp", new Subject(), leaf))
        .isInstanceOf(LoginException.class)
        .hasMessageContaining("no caller principal");
  }
}
