package io.portcullis.cli;

import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Which token to use, shared by the {@code key} subcommands: a properties file with the key source
 * attributes ({@code --config}), individual options, or both (options win). The PIN comes from an
 * environment variable or the file, never from the command line, where {@code ps} would show it.
 */
public final class KeyTokenOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with key source attributes (type, library, tokenLabel, ...).")
  Path config;

  @Option(names = "--type", description = "pkcs11 or tpm.")
  String type;

  @Option(names = "--library", paramLabel = "PATH", description = "The PKCS#11 library.")
  String library;

  @Option(names = "--token-label", paramLabel = "LABEL", description = "The token's label.")
  String tokenLabel;

  @Option(names = "--slot", description = "The token's slot ID, instead of --token-label.")
  String slot;

  @Option(
      names = "--pin-env",
      paramLabel = "VAR",
      description = "Environment variable with the PIN.")
  String pinEnv;

  /** The key source configuration for {@code alias}. */
  KeySourceConfig resolve(String alias) throws PortcullisException {
    Map<String, String> values = new HashMap<>();
    if (config != null) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "cannot read " + config + ": " + e.getMessage());
      }
      properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
      if (values.containsKey("pin") || values.containsKey("password")) {
        // A PIN in a file others can read is a PIN shared with them.
        java.util.Optional<String> exposure;
        try {
          exposure = io.portcullis.keys.SecretFiles.exposure(config);
        } catch (IOException e) {
          throw KeySourceMessage.CONFIG_INVALID.exception(
              "cannot read " + config + ": " + e.getMessage());
        }
        if (exposure.isPresent()) {
          throw KeySourceMessage.CONFIG_INVALID.exception(
              config
                  + " holds a PIN or password but others can reach it ("
                  + exposure.get()
                  + "): make it 0600 and your own, or give the PIN with --pin-env");
        }
      }
    }
    Map<String, String> overrides = new HashMap<>();
    put(overrides, "type", type);
    put(overrides, "library", library);
    put(overrides, "tokenLabel", tokenLabel);
    put(overrides, "slot", slot);
    put(overrides, "alias", alias);
    if (pinEnv != null) {
      values.remove("pin");
      overrides.put("pinEnv", pinEnv);
    }
    if (tokenLabel != null || slot != null) {
      values.remove("tokenLabel");
      values.remove("slot");
      values.remove("slotListIndex");
    }
    return KeySourceConfig.fromMap(KeySourceConfig.merge(values, overrides));
  }

  private static void put(Map<String, String> values, String key, String value) {
    if (value != null) {
      values.put(key, value);
    }
  }
}
