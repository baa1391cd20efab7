package io.portcullis.jaspic;

import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
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
import java.util.Map;
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
 * {@link GroupPrincipalCallback}. A refusal answers 401 (no or untrusted certificate) or 403
 * (trusted but denied by a rule, or unmatched and refused) and returns {@link
 * AuthStatus#SEND_FAILURE}. It never establishes a default identity: a request without a
 * certificate to a resource that does not require authentication proceeds unauthenticated.
 */
public final class PortcullisServerAuthModule implements ServerAuthModule {
  /** Option naming a ready {@link CertificateAuthenticator}. */
  public static final String OPTION_AUTHENTICATOR = "io.portcullis.authenticator";

  static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
  static final String MANDATORY = "jakarta.security.auth.message.MessagePolicy.isMandatory";

  private final CertificateAuthenticator given;
  private final String groupPrefix;
  private CallbackHandler handler;
  private CertificateAuthenticator authenticator;

  /** A module that takes its authenticator from the {@value #OPTION_AUTHENTICATOR} option. */
  public PortcullisServerAuthModule() {
    this(null, "");
  }

  /**
   * A module with its authenticator fixed, for {@code AuthConfigFactory.registerServerAuthModule}:
   * that registration hands the module no options.
   *
   * @param authenticator the shared identity path
   * @param groupPrefix put before every group name handed to {@link GroupPrincipalCallback}; empty
   *     for containers that map plain group names to roles. Liberty without a user registry keeps
   *     the names as they come and matches them against the binding's access IDs, so there it is
   *     {@code group:<realm>/}.
   */
  public PortcullisServerAuthModule(CertificateAuthenticator authenticator, String groupPrefix) {
    this.given = authenticator;
    this.authenticator = authenticator;
    this.groupPrefix = groupPrefix == null ? "" : groupPrefix;
  }

  @Override
  public void initialize(
      MessagePolicy requestPolicy,
      MessagePolicy responsePolicy,
      CallbackHandler handler,
      @SuppressWarnings("rawtypes") Map options)
      throws AuthException {
    this.handler = handler;
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
      handle(
          new CallerPrincipalCallback(client, ok.identity().principalName()),
          new GroupPrincipalCallback(
              client, ok.groups().stream().map(g -> groupPrefix + g).toArray(String[]::new)));
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
