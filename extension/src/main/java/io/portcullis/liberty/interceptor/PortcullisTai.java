package io.portcullis.liberty.interceptor;

import com.ibm.websphere.security.WebTrustAssociationException;
import com.ibm.websphere.security.WebTrustAssociationFailedException;
import com.ibm.wsspi.security.tai.TAIResult;
import com.ibm.wsspi.security.tai.TrustAssociationInterceptor;
import io.portcullis.Daemons;
import io.portcullis.PortcullisException;
import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.config.ConfigParser;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.liberty.config.LibertyConfigMapper;
import io.portcullis.liberty.config.MicroProfileLookup;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.MessageId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * The Liberty side of the identity path: a trust association interceptor that takes the client
 * certificate chain the TLS handshake verified and makes it the request's caller. It runs before
 * Liberty's SSO cookie check and asks Liberty not to mint an LTPA cookie, so every request is
 * authenticated by its own certificate and nothing else.
 */
@Component(
    service = TrustAssociationInterceptor.class,
    configurationPid = "io.portcullis.liberty.portcullis",
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    property = {"id=portcullis", "invokeBeforeSSO:Boolean=true", "disableLtpaCookie:Boolean=true"})
public final class PortcullisTai implements TrustAssociationInterceptor {
  private static final Logger LOG = Logger.getLogger(PortcullisTai.class.getName());
  private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  /** Changes with every configuration, so Liberty's subject cache never serves stale groups. */
  private static final AtomicLong GENERATION = new AtomicLong();

  private final ScheduledExecutorService background = Daemons.scheduler("portcullis-refresh");
  private volatile Active active = Active.refusing(CoreMessage.NO_TRUST_AREA);
  private List<ScheduledFuture<?>> backgroundTasks = List.of();

  /** What one configuration produced: the authenticator, or the reason everything is refused. */
  private record Active(
      CertificateAuthenticator authenticator,
      String realm,
      long generation,
      MessageId refusal,
      Set<String> excludedContextRoots) {
    static Active refusing(MessageId refusal) {
      // Refusing excludes nothing: a broken configuration must not hand applications over.
      return new Active(null, "portcullis", GENERATION.incrementAndGet(), refusal, Set.of());
    }
  }

  @Activate
  @Modified
  synchronized void configure(Map<String, Object> properties) {
    backgroundTasks.forEach(task -> task.cancel(false));
    backgroundTasks = List.of();
    try {
      String realm = String.valueOf(properties.getOrDefault("realm", "portcullis")).strip();
      if (realm.isEmpty() || realm.contains("/")) {
        throw CoreMessage.CONFIG_INVALID.exception(
            "realm '" + realm + "' must be non-empty without '/'");
      }
      Map<String, String> keys =
          LibertyConfigMapper.withOverrides(
              LibertyConfigMapper.fromServerXml(properties), microProfileConfig());
      PortcullisConfig config = ConfigParser.parse(keys, Path.of(""), Clock.systemUTC());
      CertificateAuthenticator authenticator = config.newAuthenticator(Clock.systemUTC());
      Set<String> excluded =
          LibertyConfigMapper.excludedContextRoots(properties.get("excludedContextRoots"));
      backgroundTasks = config.startBackground(background);
      active = new Active(authenticator, realm, GENERATION.incrementAndGet(), null, excluded);
      if (!excluded.isEmpty()) {
        LOG.info(CoreMessage.CONTEXT_ROOTS_EXCLUDED.format(String.join(", ", excluded)));
      }
      LOG.info(
          CoreMessage.PROTECTING.format(
              config.areas().size(),
              config.rules().rules().size(),
              config.refuseUnmatched() ? "refused" : "authenticated without groups"));
    } catch (PortcullisException | RuntimeException e) {
      // Fail closed: a configuration we cannot read protects nothing less, it refuses everything.
      active = Active.refusing(CoreMessage.CONFIG_INVALID);
      LOG.severe(CoreMessage.CONFIG_INVALID.format(e.getMessage()));
    }
  }

  /**
   * MicroProfile Config as Liberty's mpConfig feature sees it from this bundle: system properties,
   * environment variables, server.xml variables and microprofile-config.properties.
   */
  private static Function<String, Optional<String>> microProfileConfig() {
    return MicroProfileLookup.forClass(PortcullisTai.class);
  }

  @Deactivate
  synchronized void deactivate() {
    backgroundTasks.forEach(task -> task.cancel(false));
    background.shutdownNow();
  }

  @Override
  public boolean isTargetInterceptor(HttpServletRequest request)
      throws WebTrustAssociationException {
    // Every request to a protected resource is ours, except in the applications the operator
    // handed to their own authentication module (excludedContextRoots). Liberty still requires
    // authentication there: without a module that vouches for the caller, the request is refused.
    return !active.excludedContextRoots().contains(request.getContextPath());
  }

  @Override
  public TAIResult negotiateValidateandEstablishTrust(
      HttpServletRequest request, HttpServletResponse response)
      throws WebTrustAssociationFailedException {
    Active current = active;
    Object attribute = request.getAttribute(CERTIFICATE_ATTRIBUTE);
    X509Certificate[] chain = attribute instanceof X509Certificate[] array ? array : null;
    Authentication result =
        current.authenticator() == null
            ? new Authentication.Refused(
                Authentication.Kind.UNAUTHENTICATED,
                current.refusal().id(),
                current.refusal().format("see earlier errors"))
            : current.authenticator().authenticate(chain);
    if (result instanceof Authentication.Authenticated ok) {
      String principal = ok.identity().principalName();
      return TAIResult.create(
          HttpServletResponse.SC_OK, principal, subject(current, principal, ok));
    }
    Authentication.Refused refused = (Authentication.Refused) result;
    if (LOG.isLoggable(Level.WARNING)) {
      LOG.warning(
          CoreMessage.REQUEST_REFUSED.format(
              request.getRemoteAddr(), request.getRequestURI(), refused.reason()));
    }
    // A trusted caller that the rules refuse is known but not allowed (403); everything else
    // never established who the caller is (401).
    return TAIResult.create(
        refused.forbidden()
            ? HttpServletResponse.SC_FORBIDDEN
            : HttpServletResponse.SC_UNAUTHORIZED);
  }

  private static Subject subject(
      Active current, String principal, Authentication.Authenticated ok) {
    String realm = current.realm();
    List<String> groups = new ArrayList<>();
    for (String group : ok.groups()) {
      groups.add("group:" + realm + "/" + group);
    }
    Hashtable<String, Object> credential = new Hashtable<>();
    // The same SPIFFE ID vouched for by two areas is two users (WorkloadIdentity.uniqueName).
    credential.put(
        "com.ibm.wsspi.security.cred.uniqueId", "user:" + realm + "/" + ok.identity().uniqueName());
    credential.put("com.ibm.wsspi.security.cred.securityName", principal);
    credential.put("com.ibm.wsspi.security.cred.realm", realm);
    credential.put("com.ibm.wsspi.security.cred.groups", groups);
    // The cache key names this certificate and this configuration (groups are a function of
    // the two): new rules or a reload are never answered from a subject Liberty cached before.
    // Revocation needs no key: the interceptor runs, and refuses, on every request.
    credential.put(
        "com.ibm.wsspi.security.cred.cacheKey",
        "portcullis:" + current.generation() + ":" + ok.identity().sha256());
    Subject subject = new Subject();
    subject.getPublicCredentials().add(credential);
    return subject;
  }

  @Override
  public int initialize(Properties properties) {
    return 0;
  }

  @Override
  public String getVersion() {
    return "1.0";
  }

  @Override
  public String getType() {
    return "Portcullis mTLS client certificate";
  }

  @Override
  public void cleanup() {
    // Background refresh ends with the component (deactivate).
  }
}
