package io.portcullis.liberty.config;

import io.portcullis.Daemons;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * The feature's configuration, as every component of the adapter reads it: {@code <usr_portcullis>}
 * as Liberty delivers it, with MicroProfile Config on top. It waits once for MicroProfile Config
 * (this bundle starts early, for the key store provider, and Liberty's mpConfig later) and hands
 * each configuration, in order, to every component that {@linkplain #listen listens}: the trust
 * association interceptor, the key sources, and whatever reports on them.
 */
@Component(
    service = FeatureConfiguration.class,
    configurationPid = "io.portcullis.liberty.portcullis",
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true)
public final class FeatureConfiguration {
  /** How long to wait for MicroProfile Config, which starts after this bundle. */
  static final Duration CONFIG_WAIT = Duration.ofSeconds(60);

  private static final Duration RETRY = Duration.ofMillis(250);

  /**
   * One configuration: server.xml's properties and MicroProfile Config to read overrides from.
   *
   * @param generation counts configurations, the newest highest
   * @param properties {@code <usr_portcullis>} as Liberty delivered it
   * @param microProfile MicroProfile Config as this bundle sees it; when it did not come up within
   *     a minute, a lookup that throws the {@link IllegalStateException} saying so, so the
   *     configuration is refused with that reason
   */
  public record Snapshot(
      long generation,
      Map<String, Object> properties,
      Function<String, Optional<String>> microProfile) {}

  private final ScheduledExecutorService background = Daemons.scheduler("portcullis-config");
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private long configurations;
  private Snapshot current;

  @Activate
  @Modified
  synchronized void configure(Map<String, Object> properties) {
    deliverOnceConfigIsUp(
        Map.copyOf(properties), ++configurations, Instant.now().plus(CONFIG_WAIT));
  }

  /**
   * Hands {@code listener} every configuration from now on, starting with the one in force, if any,
   * on the caller's thread. Listeners are called one configuration at a time, in order.
   */
  public synchronized void listen(Consumer<Snapshot> listener) {
    listeners.add(listener);
    if (current != null) {
      listener.accept(current);
    }
  }

  /** Stops handing {@code listener} configurations. */
  public void ignore(Consumer<Snapshot> listener) {
    listeners.remove(listener);
  }

  private synchronized void deliverOnceConfigIsUp(
      Map<String, Object> properties, long configuration, Instant deadline) {
    if (configuration != configurations) {
      return; // a newer configuration arrived
    }
    Function<String, Optional<String>> microProfile;
    try {
      microProfile = MicroProfileLookup.forClass(FeatureConfiguration.class);
    } catch (IllegalStateException e) {
      if (Instant.now().isBefore(deadline)) {
        background.schedule(
            () -> deliverOnceConfigIsUp(properties, configuration, deadline),
            RETRY.toMillis(),
            TimeUnit.MILLISECONDS);
        return;
      }
      microProfile =
          name -> {
            throw new IllegalStateException(e.getMessage(), e);
          };
    }
    current = new Snapshot(configuration, properties, microProfile);
    for (Consumer<Snapshot> listener : listeners) {
      listener.accept(current);
    }
  }

  @Deactivate
  synchronized void deactivate() {
    background.shutdownNow();
    listeners.clear();
  }
}
