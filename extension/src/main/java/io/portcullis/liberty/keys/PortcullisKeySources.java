package io.portcullis.liberty.keys;

import io.portcullis.Daemons;
import io.portcullis.PortcullisException;
import io.portcullis.acme.AcmeIssuer;
import io.portcullis.ca.RenewalIssuers;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.liberty.config.FeatureConfiguration;
import io.portcullis.renewal.AgentThreads;
import io.portcullis.renewal.CredentialAgent;
import io.portcullis.renewal.FileWatchAgent;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalAgent;
import io.portcullis.renewal.RenewalSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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

  private final Consumer<FeatureConfiguration.Snapshot> listener = this::publish;

  @Activate
  void activate() {
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
      KeySourceState.announce(
          KeySourceRegistry.publish(new KeySourceRegistry.Published(sources, null)));
      replaceAgents(renewing);
    } catch (PortcullisException | RuntimeException e) {
      refuse(e);
    }
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

  private static void refuse(Exception e) {
    String problem =
        e instanceof PortcullisException p && KeySourceMessage.KEYSTORE_CONFIG_INVALID.is(p)
            ? e.getMessage()
            : KeySourceMessage.KEYSTORE_CONFIG_INVALID.format(e.getMessage());
    LOG.severe(problem);
    KeySourceState.announce(
        KeySourceRegistry.publish(new KeySourceRegistry.Published(Map.of(), problem)));
  }

  @Deactivate
  void deactivate() {
    configuration.ignore(listener);
    replaceAgents(Map.of());
    renewals.close();
    background.shutdownNow();
  }
}
