package io.portcullis.jaas;

import io.portcullis.Daemons;
import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.config.ConfigParser;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.CredentialNotFoundException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * A JAAS login module that authenticates a caller by its TLS client certificate chain.
 *
 * <p>Where the chain comes from, in order: (1) a {@link CertificateChainCallback} answered by the
 * callback handler; (2) the Subject's public credentials: an {@code X509Certificate[]} or a {@link
 * CertPath} of X.509 certificates, leaf first. With neither, login fails with {@code PRTC0301E}.
 *
 * <p>Options: {@value #OPTION_AUTHENTICATOR} (a {@link CertificateAuthenticator} instance, for
 * programmatic configurations) or {@value #OPTION_CONFIG} (a {@code portcullis.*} properties file,
 * read once per login module class loader and path).
 *
 * <p>On success {@link #commit()} adds a {@link PortcullisPrincipal} of kind CALLER and one of kind
 * GROUP per granted group; {@link #logout()} removes them. A refusal is a {@link
 * FailedLoginException} whose message starts with the PRTC ID.
 */
public final class PortcullisLoginModule implements LoginModule {
  /** Option naming a ready {@link CertificateAuthenticator}. */
  public static final String OPTION_AUTHENTICATOR = "io.portcullis.authenticator";

  /** Option naming a properties file with {@code portcullis.*} settings. */
  public static final String OPTION_CONFIG = "io.portcullis.config";

  private static final Map<String, CertificateAuthenticator> FROM_FILES = new HashMap<>();

  private static final System.Logger LOG = System.getLogger(PortcullisLoginModule.class.getName());

  private static final ScheduledExecutorService BACKGROUND =
      Daemons.scheduler("portcullis-jaas-refresh");

  private Subject subject;
  private CallbackHandler handler;
  private CertificateAuthenticator authenticator;
  private Authentication.Authenticated pending;
  private final List<PortcullisPrincipal> added = new ArrayList<>();

  @Override
  public void initialize(
      Subject subject,
      CallbackHandler callbackHandler,
      Map<String, ?> sharedState,
      Map<String, ?> options) {
    this.subject = subject;
    this.handler = callbackHandler;
    Object given = options.get(OPTION_AUTHENTICATOR);
    if (given instanceof CertificateAuthenticator ready) {
      this.authenticator = ready;
    } else if (options.get(OPTION_CONFIG) instanceof String file) {
      this.authenticator = fromFile(file);
    }
  }

  private static CertificateAuthenticator fromFile(String file) {
    synchronized (FROM_FILES) {
      return FROM_FILES.computeIfAbsent(
          file,
          f -> {
            Path path = Path.of(f);
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(path)) {
              properties.load(in);
              Map<String, String> map = new HashMap<>();
              for (String name : properties.stringPropertyNames()) {
                map.put(name, properties.getProperty(name));
              }
              Path parent = path.toAbsolutePath().getParent();
              PortcullisConfig config =
                  ConfigParser.parse(map, parent == null ? Path.of("") : parent, Clock.systemUTC());
              CertificateAuthenticator authenticator = config.newAuthenticator(Clock.systemUTC());
              config.warnings().forEach(warning -> LOG.log(System.Logger.Level.WARNING, warning));
              // JAAS gives a module no lifecycle: the file's CRLs and deny-list are kept current
              // on one daemon thread for the life of the process, as the feature keeps its own.
              config.startBackground(BACKGROUND);
              return authenticator;
            } catch (IOException | PortcullisException e) {
              return null;
            }
          });
    }
  }

  @Override
  public boolean login() throws LoginException {
    if (authenticator == null) {
      throw new LoginException(
          CoreMessage.MODULE_UNUSABLE.format(
              "no " + OPTION_AUTHENTICATOR + " or readable " + OPTION_CONFIG + " option"));
    }
    X509Certificate[] chain = chainFromCallback();
    if (chain == null) {
      chain = chainFromSubject();
    }
    if (chain == null) {
      throw new CredentialNotFoundException(CoreMessage.NO_CLIENT_CERTIFICATE.format());
    }
    Authentication result = authenticator.authenticate(chain);
    if (result instanceof Authentication.Authenticated ok) {
      pending = ok;
      return true;
    }
    Authentication.Refused refused = (Authentication.Refused) result;
    throw new FailedLoginException(refused.reason());
  }

  private X509Certificate[] chainFromCallback() throws LoginException {
    if (handler == null) {
      return null;
    }
    CertificateChainCallback callback = new CertificateChainCallback();
    try {
      handler.handle(new Callback[] {callback});
    } catch (UnsupportedCallbackException e) {
      return null;
    } catch (IOException e) {
      LoginException failure = new LoginException(CoreMessage.NO_CLIENT_CERTIFICATE.format());
      failure.initCause(e);
      throw failure;
    }
    X509Certificate[] chain = callback.chain();
    return chain == null || chain.length == 0 ? null : chain;
  }

  private X509Certificate[] chainFromSubject() {
    if (subject == null) {
      return null;
    }
    for (Object credential : subject.getPublicCredentials()) {
      if (credential instanceof X509Certificate[] array && array.length > 0) {
        return array.clone();
      }
      if (credential instanceof CertPath path && path.getType().equals("X.509")) {
        List<? extends Certificate> certificates = path.getCertificates();
        X509Certificate[] array = new X509Certificate[certificates.size()];
        for (int i = 0; i < array.length; i++) {
          if (!(certificates.get(i) instanceof X509Certificate x509)) {
            return null;
          }
          array[i] = x509;
        }
        return array.length == 0 ? null : array;
      }
    }
    return null;
  }

  @Override
  public boolean commit() throws LoginException {
    if (pending == null) {
      return false;
    }
    if (subject.isReadOnly()) {
      throw new LoginException(CoreMessage.MODULE_UNUSABLE.format("the Subject is read-only"));
    }
    added.add(
        new PortcullisPrincipal(
            pending.identity().principalName(), PortcullisPrincipal.Kind.CALLER));
    added.add(new PortcullisPrincipal(pending.identity().area(), PortcullisPrincipal.Kind.AREA));
    for (String group : pending.groups()) {
      added.add(new PortcullisPrincipal(group, PortcullisPrincipal.Kind.GROUP));
    }
    subject.getPrincipals().addAll(added);
    pending = null;
    return true;
  }

  @Override
  public boolean abort() {
    boolean had = pending != null || !added.isEmpty();
    pending = null;
    removePrincipals();
    return had;
  }

  @Override
  public boolean logout() {
    removePrincipals();
    return true;
  }

  private void removePrincipals() {
    if (subject != null && !subject.isReadOnly()) {
      Set<java.security.Principal> principals = subject.getPrincipals();
      added.forEach(principals::remove);
    }
    added.clear();
  }
}
