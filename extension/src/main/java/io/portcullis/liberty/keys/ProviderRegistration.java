package io.portcullis.liberty.keys;

import java.security.Security;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers the {@link PortcullisProvider} as soon as the feature's bundle starts. Liberty looks a
 * keyStore's provider up by name when it first loads the key store, so the bundle starts in the
 * CONTAINER_EARLY phase (the feature manifest), ahead of Liberty's SSL bundle; the key store then
 * waits for the key sources, which arrive with the configuration.
 */
@Component(
    service = {},
    immediate = true)
public final class ProviderRegistration {
  private boolean registered;

  @Activate
  synchronized void activate() {
    if (Security.getProvider(PortcullisProvider.NAME) == null) {
      Security.addProvider(new PortcullisProvider());
      registered = true;
    }
    // A state file for this run before Liberty's key store first reads it: generation 0 makes the
    // first load wait for the first configuration.
    KeySourceState.announce(0);
  }

  @Deactivate
  synchronized void deactivate() {
    if (registered) {
      Security.removeProvider(PortcullisProvider.NAME);
      registered = false;
    }
  }
}
