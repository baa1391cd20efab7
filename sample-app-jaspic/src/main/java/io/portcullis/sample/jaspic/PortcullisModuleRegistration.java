package io.portcullis.sample.jaspic;

import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.config.ConfigParser;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.jaspic.PortcullisServerAuthModule;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Registers the Portcullis {@link PortcullisServerAuthModule} for this application when it starts.
 * The authenticator comes from the application's MicroProfile Config: the {@code portcullis.*} keys
 * of its META-INF/microprofile-config.properties, each overridable by server.xml variables, system
 * properties and environment variables, read by the same {@link ConfigParser} the feature uses. A
 * configuration that cannot be read registers nothing; the feature's interceptor excludes this
 * application, so Liberty then refuses its protected requests.
 */
@WebListener
public class PortcullisModuleRegistration implements ServletContextListener {
  private static final Logger LOG = Logger.getLogger(PortcullisModuleRegistration.class.getName());

  /**
   * The realm of the access IDs the binding names ({@code group:<realm>/<group>}) and of the
   * caller's unique ID ({@code user:<realm>/<area>/<principal>}).
   */
  static final String REALM_KEY = "portcullis.realm";

  private ScheduledExecutorService background;

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext context = event.getServletContext();
    String contextPath = context.getContextPath();
    try {
      Config config = ConfigProvider.getConfig(Thread.currentThread().getContextClassLoader());
      Map<String, String> keys = new TreeMap<>();
      for (String name : applicationKeys(config)) {
        config.getOptionalValue(name, String.class).ifPresent(value -> keys.put(name, value));
      }
      PortcullisConfig parsed = ConfigParser.parse(keys, Path.of(""), Clock.systemUTC());
      CertificateAuthenticator authenticator = parsed.newAuthenticator(Clock.systemUTC());
      // CRLs and the deny-list stay current while the application runs, as in the feature.
      background = Executors.newSingleThreadScheduledExecutor();
      parsed.startBackground(background);
      String realm = keys.getOrDefault(REALM_KEY, "portcullis").strip();
      AuthConfigFactory.getFactory()
          .registerServerAuthModule(
              PortcullisServerAuthModule.forLiberty(authenticator, realm), context);
      LOG.info(CoreMessage.SAM_REGISTERED.format(contextPath));
    } catch (PortcullisException | RuntimeException e) {
      LOG.severe(CoreMessage.SAM_NOT_REGISTERED.format(contextPath, e.getMessage()));
    }
  }

  /**
   * The {@code portcullis.*} names the application's own microprofile-config.properties defines.
   * Their values are then read through the whole Config, so server.xml variables, system properties
   * and environment variables override them; but names that exist only in those server-wide sources
   * are not taken: they are the feature's (server.env overrides rules of server.xml that this
   * application does not have, and would make its configuration invalid).
   */
  private static Set<String> applicationKeys(Config config) {
    Set<String> names = new TreeSet<>();
    for (ConfigSource source : config.getConfigSources()) {
      if (source.getName().contains("microprofile-config.properties")) {
        for (String name : source.getPropertyNames()) {
          if (name.startsWith("portcullis.")) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    if (background != null) {
      background.shutdownNow();
    }
    AuthConfigFactory factory = AuthConfigFactory.getFactory();
    if (factory != null) {
      factory.removeServerAuthModule(event.getServletContext());
    }
  }
}
