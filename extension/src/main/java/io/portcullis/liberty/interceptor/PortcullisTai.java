package io.portcullis.liberty.interceptor;

import com.ibm.websphere.security.WebTrustAssociationException;
import com.ibm.websphere.security.WebTrustAssociationFailedException;
import com.ibm.wsspi.security.tai.TAIResult;
import com.ibm.wsspi.security.tai.TrustAssociationInterceptor;
import io.portcullis.Daemons;
import io.portcullis.auth.Authentication;
import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.config.ConfigParser;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.liberty.config.FeatureConfiguration;
import io.portcullis.liberty.config.LibertyConfigMapper;
import io.portcullis.liberty.keys.AreaTrustStore;
import io.portcullis.liberty.state.FeatureReporter;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.MessageId;
import io.portcullis.messages.PortcullisException;
import io.portcullis.messages.RefusalLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The Liberty side of the identity path: a trust association interceptor that takes the client
 * certificate chain the TLS handshake verified and makes it the request's caller. It runs before
 * Liberty's SSO cookie check and asks Liberty not to mint an LTPA cookie, so every request is
 * authenticated by its own certificate and nothing else.
 */
@Component(
    service = TrustAssociationInterceptor.class,
    // At start, not at the first request: the PortcullisTrust key store waits for its anchors.
    immediate = true,
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
      MessageId refusal,
      Set<String> excludedContextRoots,
      Grants grants) {
    static Active refusing(MessageId refusal) {
      // Refusing excludes nothing: a broken configuration must not hand applications over.
      return new Active(
          null, refusal, Set.of(), new Grants("portcullis", GENERATION.incrementAndGet()));
    }
  }

  /** How often the trust areas' certificate files are compared with those in force. */
  static final Duration TRUST_FILE_CHECK = Duration.ofSeconds(1);

  /** How often held-back refusals are summed up once their interval is over. */
  static final Duration REFUSAL_LOG_FLUSH = Duration.ofSeconds(5);

  /** The configuration in force (server.xml's properties), rebuilt when its trust files change. */
  private Map<String, Object> properties = Map.of();

  /** What the trust files held when the configuration in force was built. */
  private TrustFiles inForce = TrustFiles.NONE;

  /** What they held when a rebuild from them last failed: reported once, not every second. */
  private TrustFiles refused;

  /** What one successful build produced. */
  private record Built(Active active, PortcullisConfig config, TrustFiles files) {}

  /** Where the configuration comes from: server.xml and MicroProfile Config, once both are up. */
  @Reference private FeatureConfiguration configuration;

  /** Where the trust areas' health is reported from. */
  @Reference private FeatureReporter reporter;

  private final Consumer<FeatureConfiguration.Snapshot> listener = this::configure;

  /** Refused requests, logged once per reason and interval: a flood cannot flood the log. */
  private final RefusalLog refusalLog =
      new RefusalLog(LOG::warning, RefusalLog.DEFAULT_INTERVAL, System::nanoTime);

  /** MicroProfile Config of the configuration in force, for its overrides. */
  private Function<String, Optional<String>> microProfile =
      name -> {
        throw new IllegalStateException("no configuration yet");
      };

  @Activate
  void activate() {
    // Liberty needs the trust store's state file to exist when it first loads the store, which
    // then waits for the first anchors this component publishes. Until the configuration comes,
    // every request is refused.
    AreaTrustStore.prepare();
    reporter.watch("portcullis-refresh", background);
    configuration.listen(listener);
  }

  /** Builds and applies {@code snapshot}, the configuration now in force. */
  synchronized void configure(FeatureConfiguration.Snapshot snapshot) {
    this.properties = new HashMap<>(snapshot.properties());
    this.microProfile = snapshot.microProfile();
    AreaTrustStore.prepare();
    try {
      apply(build(this.properties, microProfile));
    } catch (PortcullisException | RuntimeException e) {
      // Fail closed: a configuration we cannot read protects nothing less, it refuses everything.
      // Its files are still watched: writing a missing anchor file brings the server back.
      cancelBackground();
      active = Active.refusing(CoreMessage.CONFIG_INVALID);
      reporter.trustRefused(CoreMessage.CONFIG_INVALID.id());
      LOG.severe(CoreMessage.CONFIG_INVALID.format(e.getMessage()));
      inForce = TrustFiles.read(trustFilesOrNone(this.properties, microProfile));
      refused = inForce;
      watchTrustFiles(new ArrayList<>());
    }
  }

  /** Builds the authenticator {@code properties} describe, reading their trust files. */
  private Built build(
      Map<String, Object> properties, Function<String, Optional<String>> microProfile)
      throws PortcullisException {
    String realm = String.valueOf(properties.getOrDefault("realm", "portcullis")).strip();
    if (realm.isEmpty() || realm.contains("/")) {
      throw CoreMessage.CONFIG_INVALID.exception(
          "realm '" + realm + "' must be non-empty without '/'");
    }
    Map<String, String> keys = keys(properties, microProfile);
    // Read before the parse: a file replaced in between is seen at the next check.
    TrustFiles files = TrustFiles.read(ConfigParser.trustFiles(keys, Path.of("")));
    PortcullisConfig config = ConfigParser.parse(keys, Path.of(""), Clock.systemUTC());
    CertificateAuthenticator authenticator =
        config.newAuthenticator(Clock.systemUTC(), reporter.validationStats());
    Set<String> excluded =
        LibertyConfigMapper.excludedContextRoots(properties.get("excludedContextRoots"));
    return new Built(
        new Active(authenticator, null, excluded, new Grants(realm, GENERATION.incrementAndGet())),
        config,
        files);
  }

  private static Map<String, String> keys(
      Map<String, Object> properties, Function<String, Optional<String>> microProfile) {
    return LibertyConfigMapper.withOverrides(
        LibertyConfigMapper.fromServerXml(properties), microProfile);
  }

  private static List<Path> trustFilesOrNone(
      Map<String, Object> properties, Function<String, Optional<String>> microProfile) {
    try {
      return ConfigParser.trustFiles(keys(properties, microProfile), Path.of(""));
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /**
   * Puts {@code built} in force: its areas for the requests and, through the PortcullisTrust key
   * store, the same areas' anchors for the handshake.
   */
  private void apply(Built built) {
    cancelBackground();
    List<ScheduledFuture<?>> tasks = new ArrayList<>(built.config().startBackground(background));
    inForce = built.files();
    refused = null;
    active = built.active();
    reporter.trustInForce(built.config().areas());
    List<X509Certificate> anchors = new ArrayList<>();
    built.config().areas().forEach(area -> anchors.addAll(area.anchors()));
    AreaTrustStore.publish(anchors);
    refusalLog.interval(built.config().refusalLogInterval());
    watchTrustFiles(tasks);
    built.config().warnings().forEach(LOG::warning);
    if (!built.active().excludedContextRoots().isEmpty()) {
      LOG.info(
          CoreMessage.CONTEXT_ROOTS_EXCLUDED.format(
              String.join(", ", built.active().excludedContextRoots())));
    }
    LOG.info(
        CoreMessage.PROTECTING.format(
            built.config().areas().size(),
            built.config().rules().rules().size(),
            built.config().refuseUnmatched() ? "refused" : "authenticated without groups"));
  }

  private void watchTrustFiles(List<ScheduledFuture<?>> tasks) {
    tasks.add(
        background.scheduleWithFixedDelay(
            this::checkTrustFiles,
            TRUST_FILE_CHECK.toMillis(),
            TRUST_FILE_CHECK.toMillis(),
            TimeUnit.MILLISECONDS));
    // A flood that stopped still gets its PRTC0317W line within seconds of its interval's end.
    tasks.add(
        background.scheduleWithFixedDelay(
            refusalLog::flush,
            REFUSAL_LOG_FLUSH.toMillis(),
            REFUSAL_LOG_FLUSH.toMillis(),
            TimeUnit.MILLISECONDS));
    backgroundTasks = List.copyOf(tasks);
  }

  private void cancelBackground() {
    backgroundTasks.forEach(task -> task.cancel(false));
    backgroundTasks = List.of();
  }

  /**
   * Rebuilds the configuration in force when its trust files changed (a root rollover publishing
   * the next root, an intermediate re-issued); when the new files do not make a valid
   * configuration, what was in force stays, and the change is reported once.
   */
  synchronized void checkTrustFiles() {
    TrustFiles now = TrustFiles.read(inForce.paths());
    if (now.equals(inForce)) {
      if (refused != null && !refused.equals(inForce)) {
        // The files went back to what is in force (a bad copy undone): nothing is refused now.
        refused = null;
        reporter.trustReloadRefused(null);
      }
      return;
    }
    if (now.equals(refused)) {
      return;
    }
    String changed =
        String.join(", ", now.changedSince(inForce).stream().map(Path::toString).toList());
    Built built;
    try {
      built = build(properties, microProfile);
    } catch (PortcullisException | RuntimeException e) {
      refused = now;
      reporter.trustReloadRefused(CoreMessage.TRUST_FILES_REFUSED.id());
      LOG.warning(CoreMessage.TRUST_FILES_REFUSED.format(changed, e.getMessage()));
      return;
    }
    apply(built);
    reporter.trustReloaded();
    long anchors =
        built.config().areas().stream().flatMap(area -> area.anchors().stream()).distinct().count();
    LOG.info(
        CoreMessage.TRUST_FILES_RELOADED.format(changed, anchors, built.config().areas().size()));
  }

  @Deactivate
  synchronized void deactivate() {
    configuration.ignore(listener);
    reporter.forget("portcullis-refresh");
    cancelBackground();
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
    Authentication result;
    if (current.authenticator() == null) {
      reporter.validationStats().refusedUnasked();
      result =
          new Authentication.Refused(
              Authentication.Kind.UNAUTHENTICATED,
              current.refusal(),
              current.refusal().format("see earlier errors"));
    } else {
      result = current.authenticator().authenticate(chain);
    }
    reporter.decided(result);
    if (result instanceof Authentication.Authenticated ok) {
      Grants.Granted granted = current.grants().granted(ok);
      return TAIResult.create(HttpServletResponse.SC_OK, granted.principal(), granted.subject());
    }
    Authentication.Refused refused = (Authentication.Refused) result;
    if (LOG.isLoggable(Level.WARNING)) {
      String from = request.getRemoteAddr();
      String to = request.getRequestURI();
      refusalLog.refused(
          refused.messageId(),
          from,
          to,
          () ->
              CoreMessage.REQUEST_REFUSED.format(
                  from, RefusalLog.cut(to, RefusalLog.MOST_CHOSEN), refused.reason()));
    }
    // A trusted caller that the rules refuse is known but not allowed (403); everything else
    // never established who the caller is (401).
    return TAIResult.create(
        refused.forbidden()
            ? HttpServletResponse.SC_FORBIDDEN
            : HttpServletResponse.SC_UNAUTHORIZED);
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
