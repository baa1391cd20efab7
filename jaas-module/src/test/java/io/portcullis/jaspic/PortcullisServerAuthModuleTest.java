package io.portcullis.jaspic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.auth.LibertyCredential;
import io.portcullis.jaas.PortcullisPrincipal;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustArea;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import org.junit.jupiter.api.Test;

class PortcullisServerAuthModuleTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");
  private static final CertificateAuthenticator AUTHENTICATOR =
      new CertificateAuthenticator(
          new PkixTrustValidator(
              List.of(new TrustArea("payments", List.of(ROOT.certificate()), List.of())),
              Clock.systemUTC()),
          new RoleRules(
              List.of(
                  new RoleRule(Attribute.URI_SAN, "spiffe://corp/reader", List.of("reader")),
                  RoleRule.deny(
                      "blocked",
                      Attribute.URI_SAN,
                      RoleRule.Match.EXACT,
                      "spiffe://corp/blocked"))),
          false);

  private final List<Callback> handled = new ArrayList<>();
  private final int[] status = {0};

  private PortcullisServerAuthModule module() throws Exception {
    PortcullisServerAuthModule module = new PortcullisServerAuthModule();
    module.initialize(
        null,
        null,
        callbacks -> handled.addAll(List.of(callbacks)),
        Map.of(PortcullisServerAuthModule.OPTION_AUTHENTICATOR, AUTHENTICATOR));
    return module;
  }

  private MessageInfo info(X509Certificate[] chain, boolean mandatory) {
    HttpServletRequest request =
        (HttpServletRequest)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) ->
                    method.getName().equals("getAttribute")
                            && PortcullisServerAuthModule.CERTIFICATE_ATTRIBUTE.equals(args[0])
                        ? chain
                        : null);
    HttpServletResponse response =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("sendError")) {
                    status[0] = (Integer) args[0];
                  }
                  return null;
                });
    Map<String, Object> map = new HashMap<>();
    if (mandatory) {
      map.put(PortcullisServerAuthModule.MANDATORY, "true");
    }
    return new MessageInfo() {
      @Override
      public Object getRequestMessage() {
        return request;
      }

      @Override
      public Object getResponseMessage() {
        return response;
      }

      @Override
      public void setRequestMessage(Object message) {}

      @Override
      public void setResponseMessage(Object message) {}

      @Override
      public Map<String, Object> getMap() {
        return map;
      }
    };
  }

  @Test
  void trustedCallerGetsPrincipalAndGroups() throws Exception {
    Subject client = new Subject();
    AuthStatus result =
        module()
            .validateRequest(
                info(AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray(), true),
                client,
                null);
    assertThat(result).isEqualTo(AuthStatus.SUCCESS);
    assertThat(((CallerPrincipalCallback) handled.get(0)).getName())
        .isEqualTo("spiffe://corp/reader");
    assertThat(((GroupPrincipalCallback) handled.get(1)).getGroups()).containsExactly("reader");
    assertThat(client.getPrincipals(PortcullisPrincipal.class))
        .containsExactly(new PortcullisPrincipal("payments", PortcullisPrincipal.Kind.AREA));
  }

  @Test
  void libertysHashtableGetsTheAreaQualifiedUniqueIdAfterItsCallbacks() throws Exception {
    // Liberty's handler writes user:<realm>/<principal> into a hashtable of the subject when it
    // handles the caller callback; the module makes it area-qualified after that.
    Subject client = new Subject();
    PortcullisServerAuthModule module =
        PortcullisServerAuthModule.forLiberty(AUTHENTICATOR, "portcullis");
    module.initialize(
        null,
        null,
        callbacks -> {
          for (Callback callback : callbacks) {
            if (callback instanceof CallerPrincipalCallback caller) {
              Hashtable<String, Object> table = new Hashtable<>();
              table.put(LibertyCredential.SECURITY_NAME, caller.getName());
              table.put(LibertyCredential.UNIQUE_ID, "user:defaultRealm/" + caller.getName());
              caller.getSubject().getPrivateCredentials().add(table);
            }
          }
        },
        Map.of());
    X509Certificate[] chain = AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray();
    assertThat(module.validateRequest(info(chain, true), client, null))
        .isEqualTo(AuthStatus.SUCCESS);
    assertThat(client.getPrivateCredentials(Hashtable.class))
        .singleElement()
        .satisfies(
            table -> {
              assertThat(table.get(LibertyCredential.UNIQUE_ID))
                  .isEqualTo("user:portcullis/payments/spiffe://corp/reader");
              assertThat((String) table.get(LibertyCredential.CACHE_KEY))
                  .startsWith("portcullis-jaspic:payments:");
            });
  }

  @Test
  void untrustedOrMissingCertificateIs401() throws Exception {
    X509Certificate[] foreign =
        TestPki.root("CN=F")
            .intermediate("CN=FA")
            .clientLeaf("CN=f", "spiffe://corp/reader")
            .chainArray();
    assertThat(module().validateRequest(info(foreign, true), new Subject(), null))
        .isEqualTo(AuthStatus.SEND_FAILURE);
    assertThat(status[0]).isEqualTo(401);
    status[0] = 0;
    assertThat(module().validateRequest(info(null, true), new Subject(), null))
        .isEqualTo(AuthStatus.SEND_FAILURE);
    assertThat(status[0]).isEqualTo(401);
    assertThat(handled).isEmpty();
  }

  @Test
  void deniedCallerIs403() throws Exception {
    X509Certificate[] blocked = AREA.clientLeaf("CN=b", "spiffe://corp/blocked").chainArray();
    assertThat(module().validateRequest(info(blocked, true), new Subject(), null))
        .isEqualTo(AuthStatus.SEND_FAILURE);
    assertThat(status[0]).isEqualTo(403);
    assertThat(handled).isEmpty();
  }

  @Test
  void unprotectedResourceWithoutCertificateProceedsWithNoCaller() throws Exception {
    assertThat(module().validateRequest(info(null, false), new Subject(), null))
        .isEqualTo(AuthStatus.SUCCESS);
    assertThat(((CallerPrincipalCallback) handled.get(0)).getPrincipal()).isNull();
    assertThat(((CallerPrincipalCallback) handled.get(0)).getName()).isNull();
  }

  @Test
  void refusesToStartWithoutAuthenticator() {
    assertThatThrownBy(
            () -> new PortcullisServerAuthModule().initialize(null, null, c -> {}, Map.of()))
        .hasMessageStartingWith("PRTC0707E");
    assertThat(new PortcullisServerAuthModule().getSupportedMessageTypes())
        .containsExactly(HttpServletRequest.class, HttpServletResponse.class);
  }

  @Test
  void registeredModuleNeedsNoOptionsAndPrefixesGroups() throws Exception {
    // AuthConfigFactory.registerServerAuthModule hands the module no options.
    PortcullisServerAuthModule module =
        PortcullisServerAuthModule.forLiberty(AUTHENTICATOR, "portcullis");
    module.initialize(null, null, callbacks -> handled.addAll(List.of(callbacks)), Map.of());
    Subject client = new Subject();
    AuthStatus result =
        module.validateRequest(
            info(AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray(), true), client, null);
    assertThat(result).isEqualTo(AuthStatus.SUCCESS);
    // The caller Liberty builds carries the area, as on the interceptor and JAAS paths.
    assertThat(client.getPrivateCredentials(Hashtable.class))
        .singleElement()
        .satisfies(
            table ->
                assertThat(table.get(LibertyCredential.UNIQUE_ID))
                    .isEqualTo("user:portcullis/payments/spiffe://corp/reader"));
    assertThat(handled)
        .filteredOn(GroupPrincipalCallback.class::isInstance)
        .singleElement()
        .satisfies(
            c ->
                assertThat(((GroupPrincipalCallback) c).getGroups())
                    .containsExactly("group:portcullis/reader"));
  }
}
