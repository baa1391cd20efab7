package io.portcullis.jaspic;

import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.auth.LibertyCredential;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.jaas.PortcullisPrincipal;
import io.portcullis.jaas.PortcullisPrincipal.Kind;
import io.portcullis.messages.CoreMessage;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * A Jakarta Authentication 3.0 server authentication module for the Servlet profile: the caller is
 * whoever its TLS client certificate says it is.
 *
 * <p>It reads {@code jakarta.servlet.request.X509Certificate} from the request, authenticates it
 * with the shared {@link CertificateAuthenticator} (option {@value #OPTION_AUTHENTICATOR}), and on
 * success hands the principal and groups to the container with {@link CallerPrincipalCallback} and
 * {@link GroupPrincipalCallback}, adds the caller's trust area as a {@link PortcullisPrincipal} of
 * kind AREA, and on Liberty ({@link #forLiberty}) makes the caller's unique ID area-qualified. A
 * refusal answers 401 (no or untrusted certificate) or 403 (trusted but denied by a rule, or
 * unmatched and refused) and returns {@link AuthStatus#SEND_FAILURE}. It never establishes a
 * default identity: a request without a certificate to a resource that does not require
 * authentication proceeds unauthenticated.
 */
public final class PortcullisServerAuthModule implements ServerAuthModule {
  /** Option naming a ready {@link CertificateAuthenticator}. */
  public static final String OPTION_AUTHENTICATOR = "io.portcullis.authenticator";

  static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
  static final String MANDATORY = "jakarta.security.auth.message.MessagePolicy.isMandatory";

  /** Option naming the Liberty realm; with it the module works {@link #forLiberty as there}. */
  public static final String OPTION_REALM = "io.portcullis.realm";

  private final CertificateAuthenticator given;
  private String realm;
  private CallbackHandler handler;
  private CertificateAuthenticator authenticator;

  /** A module that takes its authenticator from the {@value #OPTION_AUTHENTICATOR} option. */
  public PortcullisServerAuthModule() {
    this(null, null);
  }

  /**
   * A module with its authenticator fixed, for {@code AuthConfigFactory.registerServerAuthModule}
   * (that registration hands the module no options), for containers that map plain group names to
   * roles. The caller's area is added to the client subject as a {@link PortcullisPrincipal} of
   * kind AREA.
   */
  public PortcullisServerAuthModule(CertificateAuthenticator authenticator) {
    this(authenticator, null);
  }

  private PortcullisServerAuthModule(CertificateAuthenticator authenticator, String realm) {
    this.given = authenticator;
    this.authenticator = authenticator;
    this.realm = realm;
  }

  /**
   * A module with its authenticator fixed, for Liberty without a user registry: it keeps group
   * names as they come and matches them against the binding's access IDs, so groups are handed over
   * as {@code group:<realm>/<group>}; and the caller's unique ID is {@code
   * user:<realm>/<area>/<principal>}, as the interceptor and the JAAS module make it, so the same
   * SPIFFE ID from two areas is two callers on this path too.
   *
   * @param realm the realm of the access IDs the application's binding names
   */
  public static PortcullisServerAuthModule forLiberty(
      CertificateAuthenticator authenticator, String realm) {
    if (realm == null || realm.isBlank() || realm.contains("/")) {
      throw new IllegalArgumentException("a realm is a non-empty name without '/'");
    }
    return new PortcullisServerAuthModule(authenticator, realm.strip());
  }

  @Override
  public void initialize(
      MessagePolicy requestPolicy,
      MessagePolicy responsePolicy,
      CallbackHandler handler,
      @SuppressWarnings("rawtypes") Map options)
      throws AuthException {
    this.handler = handler;
    if (options != null && options.get(OPTION_REALM) instanceof String named && !named.isBlank()) {
      this.realm = named.strip();
    }
    Object option = options == null ? null : options.get(OPTION_AUTHENTICATOR);
    if (option instanceof CertificateAuthenticator ready) {
      this.authenticator = ready;
    } else if (given != null) {
      this.authenticator = given;
    } else {
      throw new AuthException(
          CoreMessage.MODULE_UNUSABLE.format("no " + OPTION_AUTHENTICATOR + " option"));
    }
  }

  @Override
  public Class<?>[] getSupportedMessageTypes() {
    return new Class<?>[] {HttpServletRequest.class, HttpServletResponse.class};
  }

  @Override
  public AuthStatus validateRequest(MessageInfo info, Subject client, Subject service)
      throws AuthException {
    if (!(info.getRequestMessage() instanceof HttpServletRequest request)
        || !(info.getResponseMessage() instanceof HttpServletResponse response)) {
      throw new AuthException(CoreMessage.MODULE_UNUSABLE.format("not an HTTP servlet message"));
    }
    Object attribute = request.getAttribute(CERTIFICATE_ATTRIBUTE);
    X509Certificate[] chain = attribute instanceof X509Certificate[] array ? array : null;
    boolean mandatory = Boolean.parseBoolean(String.valueOf(info.getMap().get(MANDATORY)));
    if ((chain == null || chain.length == 0) && !mandatory) {
      // Unprotected resource, no certificate: proceed with no caller at all (not a default one).
      handle(new CallerPrincipalCallback(client, (java.security.Principal) null));
      return AuthStatus.SUCCESS;
    }
    Authentication result = authenticator.authenticate(chain);
    if (result instanceof Authentication.Authenticated ok) {
      String groupPrefix = realm == null ? "" : LibertyCredential.groupPrefix(realm);
      handle(
          new CallerPrincipalCallback(client, ok.identity().principalName()),
          new GroupPrincipalCallback(
              client, ok.groups().stream().map(g -> groupPrefix + g).toArray(String[]::new)));
      client.getPrincipals().add(new PortcullisPrincipal(ok.identity().area(), Kind.AREA));
      if (realm != null) {
        areaQualified(client, ok.identity());
      }
      return AuthStatus.SUCCESS;
    }
    Authentication.Refused refused = (Authentication.Refused) result;
    try {
      response.sendError(
          refused.forbidden()
              ? HttpServletResponse.SC_FORBIDDEN
              : HttpServletResponse.SC_UNAUTHORIZED,
          refused.messageId());
    } catch (IOException e) {
      AuthException failure = new AuthException(refused.reason());
      failure.initCause(e);
      throw failure;
    }
    return AuthStatus.SEND_FAILURE;
  }

  /**
   * Makes the caller Liberty builds from {@code client} area-qualified. Liberty's callback handler
   * writes the caller into a credential hashtable of the subject, with the unique ID {@code
   * user:<realm>/<principal>}; Liberty builds the caller from that hashtable once the module
   * returns, so the module sets the unique ID, realm and cache key there after the callbacks
   * (setting them before, the handler would overwrite them). A container without such a hashtable
   * gets one with the same entries, which Liberty's custom-credential contract reads.
   */
  private void areaQualified(Subject client, WorkloadIdentity identity) {
    Hashtable<String, Object> credential = callerHashtable(client.getPrivateCredentials());
    if (credential == null) {
      credential = callerHashtable(client.getPublicCredentials());
    }
    if (credential == null) {
      credential = new Hashtable<>();
      credential.put(LibertyCredential.SECURITY_NAME, identity.principalName());
      client.getPrivateCredentials().add(credential);
    }
    credential.put(
        LibertyCredential.UNIQUE_ID,
        LibertyCredential.uniqueId(realm, identity.area(), identity.principalName()));
    credential.put(LibertyCredential.REALM, realm);
    credential.put(
        LibertyCredential.CACHE_KEY,
        "portcullis-jaspic:" + identity.area() + ":" + identity.sha256());
  }

  /** The hashtable among {@code credentials} that names a caller, or null. */
  @SuppressWarnings("unchecked")
  private static Hashtable<String, Object> callerHashtable(Set<Object> credentials) {
    for (Object candidate : credentials) {
      if (candidate instanceof Hashtable<?, ?> table
          && table.containsKey(LibertyCredential.SECURITY_NAME)) {
        return (Hashtable<String, Object>) table;
      }
    }
    return null;
  }

  private void handle(Callback... callbacks) throws AuthException {
    try {
      handler.handle(callbacks);
    } catch (IOException | UnsupportedCallbackException e) {
      AuthException failure = new AuthException(CoreMessage.MODULE_UNUSABLE.format(e.toString()));
      failure.initCause(e);
      throw failure;
    }
  }

  @Override
  public AuthStatus secureResponse(MessageInfo info, Subject service) {
    return AuthStatus.SEND_SUCCESS;
  }

  @Override
  public void cleanSubject(MessageInfo info, Subject subject) {
    if (subject != null) {
      subject.getPrincipals().clear();
    }
  }
}
