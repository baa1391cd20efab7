package io.portcullis.liberty.internal;

import com.ibm.websphere.security.WebTrustAssociationException;
import com.ibm.websphere.security.WebTrustAssociationFailedException;
import com.ibm.wsspi.security.tai.TAIResult;
import com.ibm.wsspi.security.tai.TrustAssociationInterceptor;
import io.portcullis.PortcullisException;
import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.messages.Messages;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.PkixTrustValidator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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

  private volatile Active active = Active.refusing("PRTC0102E");

  /** What one configuration produced: the authenticator, or the reason everything is refused. */
  private record Active(
      CertificateAuthenticator authenticator, String realm, long generation, String refusalId) {
    static Active refusing(String messageId) {
      return new Active(null, "portcullis", GENERATION.incrementAndGet(), messageId);
    }
  }

  @Activate
  @Modified
  void configure(Map<String, Object> properties) {
    try {
      PortcullisSettings settings = PortcullisSettings.from(properties);
      CertificateAuthenticator authenticator =
          new CertificateAuthenticator(
              new PkixTrustValidator(settings.areas(), Clock.systemUTC()),
              new RoleRules(settings.rules()),
              settings.refuseUnmatched());
      active = new Active(authenticator, settings.realm(), GENERATION.incrementAndGet(), null);
      LOG.info(
          Messages.format(
              "PRTC0303I",
              settings.areas().size(),
              settings.rules().size(),
              settings.refuseUnmatched() ? "refused" : "authenticated without groups"));
    } catch (PortcullisException e) {
      // Fail closed: a configuration we cannot read protects nothing less, it refuses everything.
      active = Active.refusing("PRTC0304E");
      LOG.severe(Messages.format("PRTC0304E", e.getMessage()));
    }
  }

  @Override
  public boolean isTargetInterceptor(HttpServletRequest request)
      throws WebTrustAssociationException {
    // Every request to a protected resource is ours: there is no other way in.
    return true;
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
                current.refusalId(), Messages.format(current.refusalId(), "see earlier errors"))
            : current.authenticator().authenticate(chain);
    if (result instanceof Authentication.Authenticated ok) {
      String principal = ok.identity().principalName();
      return TAIResult.create(
          HttpServletResponse.SC_OK, principal, subject(current, principal, ok));
    }
    Authentication.Refused refused = (Authentication.Refused) result;
    if (LOG.isLoggable(Level.WARNING)) {
      LOG.warning(
          Messages.format(
              "PRTC0302E", request.getRemoteAddr(), request.getRequestURI(), refused.reason()));
    }
    return TAIResult.create(HttpServletResponse.SC_UNAUTHORIZED);
  }

  private static Subject subject(
      Active current, String principal, Authentication.Authenticated ok) {
    String realm = current.realm();
    List<String> groups = new ArrayList<>();
    for (String group : ok.groups()) {
      groups.add("group:" + realm + "/" + group);
    }
    Hashtable<String, Object> credential = new Hashtable<>();
    credential.put("com.ibm.wsspi.security.cred.uniqueId", "user:" + realm + "/" + principal);
    credential.put("com.ibm.wsspi.security.cred.securityName", principal);
    credential.put("com.ibm.wsspi.security.cred.realm", realm);
    credential.put("com.ibm.wsspi.security.cred.groups", groups);
    // The cache key names this certificate and this configuration: a new certificate, new rules
    // or a reload can never be answered from a subject Liberty cached for something else.
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
    // Nothing to release: the authenticator holds no threads or files.
  }
}
