package io.portcullis.liberty.jaas;

import static io.portcullis.auth.LibertyCredential.CACHE_KEY;
import static io.portcullis.auth.LibertyCredential.GROUPS;
import static io.portcullis.auth.LibertyCredential.REALM;
import static io.portcullis.auth.LibertyCredential.SECURITY_NAME;
import static io.portcullis.auth.LibertyCredential.UNIQUE_ID;
import static io.portcullis.auth.LibertyCredential.USER_ID;

import com.ibm.wsspi.security.auth.callback.WSServletRequestCallback;
import com.ibm.wsspi.security.auth.callback.WSX509CertificateChainCallback;
import io.portcullis.auth.LibertyCredential;
import io.portcullis.jaas.CertificateChainCallback;
import io.portcullis.jaas.PortcullisLoginModule;
import io.portcullis.jaas.PortcullisPrincipal;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.RefusalLog;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * {@link PortcullisLoginModule} for Liberty's {@code system.WEB_INBOUND} login configuration,
 * listed before Liberty's own modules ({@code hashtable, userNameAndPassword, certificate, token}).
 *
 * <p>It takes the client certificate chain from Liberty's {@link WSX509CertificateChainCallback}
 * (or the {@code jakarta.servlet.request.X509Certificate} attribute of the request from {@link
 * WSServletRequestCallback}), lets {@link PortcullisLoginModule} decide, and hands the caller to
 * Liberty the way Liberty's custom login module documentation describes: a hashtable of {@code
 * com.ibm.wsspi.security.cred.*} entries in the shared state, which Liberty's {@code hashtable}
 * module turns into the caller's subject. A refusal fails the login, so Liberty refuses the
 * request.
 *
 * <p>It abstains (login returns false) when another mechanism has already asserted the caller (the
 * trust association interceptor or a Jakarta Authentication module: a credential hashtable is in
 * the subject or shared state), when the request carries no certificate, and for context roots
 * outside {@value #OPTION_CONTEXT_ROOTS}.
 *
 * <p>Options: those of {@link PortcullisLoginModule} ({@code io.portcullis.config}), plus {@value
 * #OPTION_REALM} (default {@code portcullis}) and {@value #OPTION_CONTEXT_ROOTS} (comma-separated;
 * absent means every application).
 */
public final class LibertyCertificateLoginModule implements LoginModule {
  /** Option: the realm of the user and group access IDs, as {@code <usr_portcullis realm>}. */
  public static final String OPTION_REALM = "io.portcullis.realm";

  /** Option: the context roots this module authenticates; absent means all. */
  public static final String OPTION_CONTEXT_ROOTS = "io.portcullis.contextRoots";

  /** Liberty's shared-state key for a custom credential hashtable (AttributeNameConstants). */
  static final String PROPERTIES_KEY = "com.ibm.wsspi.security.cred.propertiesObject";

  /**
   * Liberty's internal credential flag (AuthenticationConstants) that keeps it from minting an
   * LtpaToken2 cookie for this login; its SPNEGO and OpenID Connect clients set it the same way.
   * Without it the certificate login answers with a single sign-on cookie (measured: AdaptersIT).
   */
  static final String NO_SSO_COOKIE = "com.ibm.ws.authentication.internal.sso.disable.ltpa.cookie";

  private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
  private static final Logger LOG = Logger.getLogger(LibertyCertificateLoginModule.class.getName());

  /** Refusals, logged once per reason and interval (the module has no configuration of it). */
  private static final RefusalLog REFUSALS =
      new RefusalLog(LOG::warning, RefusalLog.DEFAULT_INTERVAL, System::nanoTime);

  /** The message ID a refusal's text starts with, or {@code unknown}. */
  static String reasonId(String message) {
    return io.portcullis.messages.MessageCatalog.idAtStart(message);
  }

  private Subject subject;
  private CallbackHandler handler;
  private Map<String, Object> sharedState;
  private Map<String, ?> options;
  private String realm;
  private Set<String> contextRoots;
  private boolean succeeded;

  @Override
  @SuppressWarnings("unchecked")
  public void initialize(
      Subject subject,
      CallbackHandler callbackHandler,
      Map<String, ?> sharedState,
      Map<String, ?> options) {
    this.subject = subject;
    this.handler = callbackHandler;
    // The JAAS contract: modules of one login share this map and may write to it.
    this.sharedState = (Map<String, Object>) sharedState;
    this.options = options;
    Object realmOption = options.get(OPTION_REALM);
    this.realm = realmOption == null ? "portcullis" : String.valueOf(realmOption).strip();
    Object roots = options.get(OPTION_CONTEXT_ROOTS);
    this.contextRoots =
        roots == null
            ? Set.of()
            : Arrays.stream(String.valueOf(roots).split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public boolean login() throws LoginException {
    if (alreadyAsserted()) {
      return false;
    }
    HttpServletRequest request = request();
    String path = request == null ? null : request.getContextPath();
    if (!contextRoots.isEmpty() && (path == null || !contextRoots.contains(path))) {
      return false;
    }
    X509Certificate[] chain = chain(request);
    if (chain == null) {
      return false;
    }
    Subject scratch = new Subject();
    PortcullisLoginModule delegate = new PortcullisLoginModule();
    delegate.initialize(scratch, chainHandler(chain), new HashMap<>(), options);
    try {
      delegate.login();
      delegate.commit();
    } catch (LoginException e) {
      String to = request == null ? "?" : request.getRequestURI();
      String from = request == null ? "?" : request.getRemoteAddr();
      REFUSALS.refused(
          reasonId(e.getMessage()),
          from,
          to,
          () ->
              CoreMessage.JAAS_REFUSED.format(
                  RefusalLog.cut(to, RefusalLog.MOST_CHOSEN), e.getMessage()));
      throw e;
    }
    sharedState.put(PROPERTIES_KEY, credential(realm, scratch, chain[0]));
    succeeded = true;
    return true;
  }

  private boolean alreadyAsserted() {
    if (sharedState.get(PROPERTIES_KEY) != null) {
      return true;
    }
    if (subject == null) {
      return false;
    }
    for (Object credential : subject.getPublicCredentials()) {
      if (credential instanceof Hashtable<?, ?> table
          && (table.containsKey(UNIQUE_ID) || table.containsKey(USER_ID))) {
        return true;
      }
    }
    return false;
  }

  private HttpServletRequest request() {
    WSServletRequestCallback callback = new WSServletRequestCallback("HttpServletRequest: ");
    return handle(callback) ? callback.getHttpServletRequest() : null;
  }

  private X509Certificate[] chain(HttpServletRequest request) {
    WSX509CertificateChainCallback callback =
        new WSX509CertificateChainCallback("X509Certificate[]: ");
    X509Certificate[] chain = handle(callback) ? callback.getX509CertificateChain() : null;
    if ((chain == null || chain.length == 0) && request != null) {
      Object attribute = request.getAttribute(CERTIFICATE_ATTRIBUTE);
      chain = attribute instanceof X509Certificate[] array ? array : null;
    }
    return chain == null || chain.length == 0 ? null : chain;
  }

  /** Asks Liberty's handler for one callback; false if it does not offer it. */
  private boolean handle(Callback callback) {
    if (handler == null) {
      return false;
    }
    try {
      handler.handle(new Callback[] {callback});
      return true;
    } catch (IOException | UnsupportedCallbackException e) {
      return false;
    }
  }

  /**
   * The hashtable Liberty's {@code hashtable} login module turns into the caller's subject, from
   * the principals the core module put in {@code scratch}.
   */
  static Hashtable<String, Object> credential(String realm, Subject scratch, X509Certificate leaf)
      throws LoginException {
    String principal = null;
    String area = null;
    List<String> groups = new ArrayList<>();
    for (PortcullisPrincipal p : scratch.getPrincipals(PortcullisPrincipal.class)) {
      switch (p.kind()) {
        case CALLER -> principal = p.name();
        case AREA -> area = p.name();
        case GROUP -> groups.add(LibertyCredential.groupPrefix(realm) + p.name());
      }
    }
    if (principal == null || area == null) {
      throw new LoginException(CoreMessage.MODULE_UNUSABLE.format("no caller principal"));
    }
    groups.sort(null);
    Hashtable<String, Object> credential = new Hashtable<>();
    // The same SPIFFE ID vouched for by two areas is two users (WorkloadIdentity.uniqueName).
    credential.put(UNIQUE_ID, LibertyCredential.uniqueId(realm, area, principal));
    credential.put(SECURITY_NAME, principal);
    credential.put(REALM, realm);
    credential.put(GROUPS, groups);
    // The cache key names the area too: a subject cached for one area is never another's.
    credential.put(CACHE_KEY, "portcullis-jaas:" + area + ":" + fingerprint(leaf));
    // Every request is identified by its own certificate: no cookie may stand in for one.
    credential.put(NO_SSO_COOKIE, Boolean.TRUE);
    return credential;
  }

  private static String fingerprint(X509Certificate leaf) throws LoginException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      LoginException failure = new LoginException(CoreMessage.MODULE_UNUSABLE.format(e.toString()));
      failure.initCause(e);
      throw failure;
    }
  }

  @Override
  public boolean commit() {
    return succeeded;
  }

  @Override
  public boolean abort() {
    boolean had = succeeded;
    succeeded = false;
    return had;
  }

  @Override
  public boolean logout() {
    succeeded = false;
    return true;
  }

  /** Answers the core module's {@link CertificateChainCallback} with the chain Liberty gave. */
  private static CallbackHandler chainHandler(X509Certificate[] chain) {
    return callbacks -> {
      for (Callback callback : callbacks) {
        if (callback instanceof CertificateChainCallback certificates) {
          certificates.setChain(chain);
        } else {
          throw new UnsupportedCallbackException(callback);
        }
      }
    };
  }
}
