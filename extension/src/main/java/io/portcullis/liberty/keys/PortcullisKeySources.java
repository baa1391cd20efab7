package io.portcullis.liberty.keys;

import io.portcullis.Daemons;
import io.portcullis.acme.AcmeIssuer;
import io.portcullis.ca.RenewalIssuers;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.liberty.config.FeatureConfiguration;
import io.portcullis.liberty.state.FeatureReporter;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.AgentThreads;
import io.portcullis.renewal.CredentialAgent;
import io.portcullis.renewal.CredentialHealth;
import io.portcullis.renewal.FileWatchAgent;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalAgent;
import io.portcullis.renewal.RenewalSettings;
import io.portcullis.renewal.RenewalStatus;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Publishes the key sources {@code <usr_portcullis>} configures (with their MicroProfile Config
 * overrides) for the {@code PortcullisKeySource} key store Liberty's SSL configuration loads. A
 * configuration that cannot be read publishes its problem instead, so the key store refuses to load
 * rather than serve a partial identity.
 */
@Component(
    service = {},
    immediate = true)
public final class PortcullisKeySources {
  private static final Logger LOG = Logger.getLogger(PortcullisKeySources.class.getName());

  private static final Clock CLOCK = Clock.systemUTC();

  /** How often the served keys are probed. */
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

  private final ScheduledExecutorService background = Daemons.scheduler("portcullis-key-sources");

  /**
   * Runs each key source's agent on its own thread: a stuck issuer or a CA lock held elsewhere
   * delays that key source only.
   */
  private final AgentThreads renewals = new AgentThreads("portcullis-renewal");

  /** The renewal agent of each key source that renews, for the current configuration. */
  private final Map<String, CredentialAgent> agents = new LinkedHashMap<>();

  /** Where the configuration comes from: server.xml and MicroProfile Config, once both are up. */
  @Reference private FeatureConfiguration configuration;

  /** Where the key sources' health is reported from. */
  @Reference private FeatureReporter reporter;

  private final Consumer<FeatureConfiguration.Snapshot> listener = this::publish;

  @Activate
  void activate() {
    reporter.watch("portcullis-key-sources", background);
    reporter.watch("portcullis-renewal", renewals::stalled);
    configuration.listen(listener);
    background.scheduleWithFixedDelay(
        () -> {
          long republished = KeyProbe.probe(KeySourceKeyStore.lastGood(), KeyProbe::signs);
          if (republished > 0) {
            KeySourceState.announce(republished);
          }
        },
        PROBE_INTERVAL.toMillis(),
        PROBE_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Publishes the key sources of {@code snapshot}, the configuration now in force (a key store
   * reload its change triggers finds them), and starts their agents.
   */
  synchronized void publish(FeatureConfiguration.Snapshot snapshot) {
    try {
      Map<String, String> keys =
          KeySourceMapper.withOverrides(
              KeySourceMapper.fromServerXml(snapshot.properties()), snapshot.microProfile());
      Map<String, KeySource> sources = new LinkedHashMap<>();
      Map<String, KeySourceConfig> configs = KeySourceMapper.configs(keys, System.getenv());
      for (Map.Entry<String, KeySourceConfig> entry : configs.entrySet()) {
        sources.put(entry.getKey(), KeySource.of(entry.getValue()));
      }
      Map<String, CredentialAgent> renewing = agents(configs, sources);
      Map<String, KeySource> failedBefore = new LinkedHashMap<>(sources);
      failedBefore.keySet().retainAll(KeySourceKeyStore.problems().keySet());
      KeySourceState.announce(
          KeySourceRegistry.publish(new KeySourceRegistry.Published(sources, null)));
      replaceAgents(renewing);
      Map<String, CredentialAgent> reported = Map.copyOf(renewing);
      reporter.keySources(
          () -> health(configs, reported, CLOCK.instant()),
          () -> KeySourceKeyStore.lastGood().keySet().containsAll(configs.keySet()),
          () -> statuses(reported),
          KeySourceKeyStore::servedSince);
      if (!failedBefore.isEmpty()) {
        background.execute(() -> tryAgain(failedBefore));
      }
    } catch (PortcullisException | RuntimeException e) {
      refuse(e);
    }
  }

  /**
   * Loads, once, each key source of a changed configuration whose load had failed: a corrected PIN
   * is tried at once (and a PIN the token refused is not, {@code PRTC0545E}), and health shows the
   * outcome without waiting for Liberty. Liberty reloads a key store it loaded before on the
   * announcement; one that failed at the server's start it loads again only at a restart.
   */
  private static void tryAgain(Map<String, KeySource> sources) {
    sources.forEach(
        (name, source) -> {
          try {
            source.load();
            if (!KeySourceKeyStore.lastGood().containsKey(name)) {
              KeySourceKeyStore.noProblem(name);
            }
            LOG.info(KeySourceMessage.LOADS_AFTER_CHANGE.format(name));
          } catch (PortcullisException | RuntimeException e) {
            KeySourceKeyStore.problem(
                name, KeySourceMessage.KEYSTORE_LOAD_FAILED.format(name, e.getMessage()));
          }
        });
  }

  /**
   * An agent for each key source that renews, not started: a renewal setting this configuration
   * cannot honour refuses the whole configuration, like any other invalid setting.
   */
  private Map<String, CredentialAgent> agents(
      Map<String, KeySourceConfig> configs, Map<String, KeySource> sources)
      throws PortcullisException {
    Map<String, CredentialAgent> created = new LinkedHashMap<>();
    for (Map.Entry<String, KeySourceConfig> entry : configs.entrySet()) {
      RenewalSettings renewal = entry.getValue().renewal();
      if (!renewal.renews()) {
        continue;
      }
      try {
        if (renewal.issuer() == RenewalSettings.IssuerKind.FILES) {
          // The server is given only pairs the watcher accepted, never the files as they are.
          FileWatchAgent watcher =
              FileWatchAgent.create(
                  entry.getKey(),
                  entry.getValue(),
                  renewed -> KeySourceState.announce(KeySourceRegistry.republish()),
                  renewals.of(entry.getKey()),
                  CLOCK);
          sources.put(entry.getKey(), watcher.source());
          created.put(entry.getKey(), watcher);
          continue;
        }
        Issuer issuer =
            renewal.issuer() == RenewalSettings.IssuerKind.ACME
                ? AcmeIssuer.of(renewal)
                : RenewalIssuers.of(renewal, CLOCK);
        created.put(
            entry.getKey(),
            RenewalAgent.create(
                entry.getKey(),
                entry.getValue(),
                sources.get(entry.getKey()),
                issuer,
                renewed -> KeySourceState.announce(KeySourceRegistry.republish()),
                renewals.of(entry.getKey()),
                CLOCK));
      } catch (PortcullisException e) {
        created.values().forEach(CredentialAgent::close);
        throw e;
      }
    }
    return created;
  }

  /** Stops the agents of the previous configuration and starts those of this one. */
  private synchronized void replaceAgents(Map<String, CredentialAgent> renewing) {
    agents.values().forEach(CredentialAgent::close);
    agents.clear();
    agents.putAll(renewing);
    agents.values().forEach(CredentialAgent::start);
    renewals.keepOnly(agents.keySet());
  }

  /**
   * The health of each key source of one configuration at {@code now}: what Liberty serves for it
   * (nothing while its load or key probe failed), judged with what its agent did.
   */
  static List<CredentialHealth> health(
      Map<String, KeySourceConfig> configs, Map<String, CredentialAgent> agents, Instant now) {
    Map<String, KeyMaterial> served = KeySourceKeyStore.lastGood();
    Map<String, String> problems = KeySourceKeyStore.problems();
    List<CredentialHealth> health = new ArrayList<>();
    configs.forEach(
        (name, config) -> {
          Optional<String> problem = Optional.ofNullable(problems.get(name));
          Optional<X509Certificate> certificate =
              problem.isPresent()
                  ? Optional.empty()
                  : Optional.ofNullable(served.get(name)).map(KeyMaterial::certificate);
          if (certificate.isEmpty() && problem.isEmpty()) {
            problem = Optional.of(KeySourceMessage.NOT_SERVED_YET.format(name));
          }
          CredentialAgent agent = agents.get(name);
          health.add(
              CredentialHealth.of(
                  name,
                  config.renewal(),
                  certificate,
                  problem,
                  agent == null ? RenewalStatus.none() : agent.status(),
                  config.renewal().unhealthyAt(),
                  now));
        });
    return health;
  }

  /** What the agent of each key source that renews has done. */
  private static Map<String, RenewalStatus> statuses(Map<String, CredentialAgent> agents) {
    Map<String, RenewalStatus> statuses = new LinkedHashMap<>();
    agents.forEach((name, agent) -> statuses.put(name, agent.status()));
    return statuses;
  }

  private void refuse(Exception e) {
    String problem =
        e instanceof PortcullisException p && KeySourceMessage.KEYSTORE_CONFIG_INVALID.is(p)
            ? e.getMessage()
            : KeySourceMessage.KEYSTORE_CONFIG_INVALID.format(e.getMessage());
    reporter.keySourcesRefused(KeySourceMessage.KEYSTORE_CONFIG_INVALID.id());
    LOG.severe(problem);
    KeySourceState.announce(
        KeySourceRegistry.publish(new KeySourceRegistry.Published(Map.of(), problem)));
  }

  @Deactivate
  void deactivate() {
    configuration.ignore(listener);
    reporter.forget("portcullis-key-sources");
    reporter.forget("portcullis-renewal");
    replaceAgents(Map.of());
    renewals.close();
    background.shutdownNow();
  }
}
