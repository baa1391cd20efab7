package io.portcullis.liberty.config;

import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one way the feature's components read MicroProfile Config: a name in, a value or empty out.
 */
public final class MicroProfileLookup {
  private MicroProfileLookup() {}

  /**
   * MicroProfile Config as seen by {@code owner}'s class loader: environment variables, system
   * properties, server.xml variables and microprofile-config.properties.
   *
   * @throws IllegalStateException when MicroProfile Config is not (yet) available; this bundle
   *     starts before Liberty's mpConfig feature
   */
  public static Function<String, Optional<String>> forClass(Class<?> owner) {
    Config config = ConfigProvider.getConfig(owner.getClassLoader());
    return name -> config.getOptionalValue(name, String.class);
  }
}
