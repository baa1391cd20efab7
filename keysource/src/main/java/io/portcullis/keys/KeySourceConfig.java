package io.portcullis.keys;

import io.portcullis.config.Settings;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.RenewalSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a key source needs, read once from a flat map of attributes so that server.xml attributes
 * and MicroProfile Config values arrive the same way. Secrets are resolved here (plain, {@code
 * {xor}}, Liberty-encoded, or from the environment variable named by {@code pinEnv} / {@code
 * passwordEnv}) and never printed.
 *
 * <p>Keys: {@code type} ({@code pkcs12|pkcs11|tpm}), {@code file}, {@code password}, {@code
 * passwordEnv}, {@code library}, {@code tokenLabel}, {@code slot}, {@code slotListIndex}, {@code
 * alias}, {@code pin}, {@code pinEnv}. Unknown keys are refused, so a misspelt attribute is an
 * error rather than a silent default.
 */
public final class KeySourceConfig {
  /** Every attribute this class reads: the {@code <keySource>} settings of the schema. */
  public static final Set<String> KEYS = Settings.keys(Settings.Section.KEY_SOURCE);

  /** The environment variables PKCS#11 libraries read; kept so checks can name them. */
  static final Set<String> LIBRARY_ENVIRONMENT =
      Set.of("SOFTHSM2_CONF", "TPM2_PKCS11_STORE", "TPM2_PKCS11_TCTI");

  /** Where Debian and Ubuntu install tpm2-pkcs11. */
  public static final String DEFAULT_TPM_LIBRARY =
      "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";

  private final KeySourceType type;
  private final Optional<Path> file;
  private final Optional<Path> keyFile;
  private final Optional<Path> library;
  private final Optional<String> tokenLabel;
  private final OptionalLong slot;
  private final OptionalInt slotListIndex;
  private final Optional<String> alias;
  private final Optional<Secret> secret;
  private final Map<String, String> environment;
  private final RenewalSettings renewal;

  private KeySourceConfig(Map<String, String> values, Map<String, String> env)
      throws PortcullisException {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "unknown attribute(s) " + unknown + "; known: " + new TreeSet<>(KEYS));
    }
    this.type = KeySourceType.parse(required(values, "type"));
    this.file = optional(values, "file").map(Path::of);
    this.keyFile = optional(values, "keyFile").map(Path::of);
    this.library =
        optional(values, "library")
            .or(
                () ->
                    type == KeySourceType.TPM ? Optional.of(DEFAULT_TPM_LIBRARY) : Optional.empty())
            .map(Path::of);
    this.tokenLabel = optional(values, "tokenLabel");
    this.slot = parseLong(values, "slot");
    this.slotListIndex = parseInt(values, "slotListIndex");
    this.alias = optional(values, "alias");
    Map<String, String> kept = new HashMap<>();
    for (String name : LIBRARY_ENVIRONMENT) {
      String value = env.get(name);
      if (value != null) {
        kept.put(name, value);
      }
    }
    this.environment = Map.copyOf(kept);
    this.renewal = RenewalSettings.fromMap(values, env);
    if ((renewal.issuer() == RenewalSettings.IssuerKind.FILES) != (type == KeySourceType.PEM)
        && renewal.renews()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          type == KeySourceType.PEM
              ? "type=pem is renewed by whoever writes its files: renew=files or none"
              : "renew=files watches the files of a type=pem key source, not type=" + typeName());
    }
    if (type == KeySourceType.PEM) {
      if (file.isEmpty() || keyFile.isEmpty()) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "type=pem needs file (the certificate chain) and keyFile (the private key)");
      }
      this.secret = Optional.empty();
    } else if (type == KeySourceType.PKCS12) {
      if (file.isEmpty()) {
        throw KeySourceMessage.CONFIG_INVALID.exception("type=pkcs12 needs file");
      }
      this.secret = secret(values, env, "password", "passwordEnv");
    } else {
      if (library.isEmpty()) {
        throw KeySourceMessage.CONFIG_INVALID.exception("type=" + typeName() + " needs library");
      }
      int selectors =
          (tokenLabel.isPresent() ? 1 : 0)
              + (slot.isPresent() ? 1 : 0)
              + (slotListIndex.isPresent() ? 1 : 0);
      if (selectors != 1) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "type=" + typeName() + " needs exactly one of tokenLabel, slot, slotListIndex");
      }
      this.secret = secret(values, env, "pin", "pinEnv");
      if (secret.isEmpty()) {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "type=" + typeName() + " needs pin or pinEnv");
      }
    }
  }

  /** Reads the attributes, with environment variables from this process. */
  public static KeySourceConfig fromMap(Map<String, String> values) throws PortcullisException {
    return fromMap(values, System.getenv());
  }

  /** Reads the attributes, with environment variables from {@code environment}. */
  public static KeySourceConfig fromMap(Map<String, String> values, Map<String, String> environment)
      throws PortcullisException {
    return new KeySourceConfig(Map.copyOf(values), Map.copyOf(environment));
  }

  /**
   * {@code base} with every non-empty value of {@code overrides} on top: server.xml attributes
   * overridden by MicroProfile Config, as the feature's other settings are.
   */
  public static Map<String, String> merge(Map<String, String> base, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(base);
    overrides.forEach(
        (key, value) -> {
          if (value != null && !value.isBlank()) {
            merged.put(key, value);
          }
        });
    return merged;
  }

  public KeySourceType type() {
    return type;
  }

  public Optional<Path> file() {
    return file;
  }

  /** The private key's PEM file ({@code type=pem}). */
  public Optional<Path> keyFile() {
    return keyFile;
  }

  public Optional<Path> library() {
    return library;
  }

  public Optional<String> tokenLabel() {
    return tokenLabel;
  }

  public OptionalLong slot() {
    return slot;
  }

  public OptionalInt slotListIndex() {
    return slotListIndex;
  }

  public Optional<String> alias() {
    return alias;
  }

  /** The PIN (tokens) or password (PKCS#12); empty only for a PKCS#12 file without one. */
  public Optional<Secret> secret() {
    return secret;
  }

  /** The PKCS#11-library variables of the environment this configuration was read with. */
  public Map<String, String> environment() {
    return environment;
  }

  /** How the key source's certificate is renewed ({@link RenewalSettings#NONE}: not at all). */
  public RenewalSettings renewal() {
    return renewal;
  }

  /** This configuration for another alias: key generation and rotation pick new aliases. */
  public KeySourceConfig withAlias(String newAlias) {
    return new KeySourceConfig(this, Objects.requireNonNull(newAlias));
  }

  private KeySourceConfig(KeySourceConfig source, String alias) {
    this.type = source.type;
    this.file = source.file;
    this.keyFile = source.keyFile;
    this.library = source.library;
    this.tokenLabel = source.tokenLabel;
    this.renewal = source.renewal;
    this.slot = source.slot;
    this.slotListIndex = source.slotListIndex;
    this.alias = Optional.of(alias);
    this.environment = source.environment;
    this.secret = source.secret;
  }

  String typeName() {
    return type.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "KeySourceConfig[type="
        + typeName()
        + file.map(f -> ", file=" + f).orElse("")
        + library.map(l -> ", library=" + l).orElse("")
        + tokenLabel.map(l -> ", tokenLabel=" + l).orElse("")
        + (slot.isPresent() ? ", slot=" + slot.getAsLong() : "")
        + (slotListIndex.isPresent() ? ", slotListIndex=" + slotListIndex.getAsInt() : "")
        + alias.map(a -> ", alias=" + a).orElse("")
        + "]";
  }

  private static String required(Map<String, String> values, String key)
      throws PortcullisException {
    return optional(values, key)
        .orElseThrow(() -> KeySourceMessage.CONFIG_INVALID.exception(key + " is required"));
  }

  private static Optional<String> optional(Map<String, String> values, String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static OptionalLong parseLong(Map<String, String> values, String key)
      throws PortcullisException {
    Optional<String> value = optional(values, key);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.decode(value.get()));
    } catch (NumberFormatException e) {
      throw KeySourceMessage.CONFIG_INVALID.exception(key + "=" + value.get() + " is not a number");
    }
  }

  private static OptionalInt parseInt(Map<String, String> values, String key)
      throws PortcullisException {
    OptionalLong value = parseLong(values, key);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    if (value.getAsLong() < 0 || value.getAsLong() > Integer.MAX_VALUE) {
      throw KeySourceMessage.CONFIG_INVALID.exception(key + " must be a small non-negative number");
    }
    return OptionalInt.of((int) value.getAsLong());
  }

  /**
   * The secret from the value attribute or the environment variable attribute, not both; Liberty's
   * password encodings are decoded.
   */
  public static Optional<Secret> secret(
      Map<String, String> values, Map<String, String> env, String valueKey, String envKey)
      throws PortcullisException {
    String direct = values.get(valueKey);
    Optional<String> variable = optional(values, envKey);
    if (direct != null && !direct.isEmpty() && variable.isPresent()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "give " + valueKey + " or " + envKey + ", not both");
    }
    if (variable.isPresent()) {
      String fromEnv = env.get(variable.get());
      if (fromEnv == null) {
        throw KeySourceMessage.ENVIRONMENT_UNSET.exception(variable.get(), envKey);
      }
      return Optional.of(LibertyPasswords.decode(envKey, fromEnv));
    }
    if (direct == null || direct.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(LibertyPasswords.decode(valueKey, direct));
  }
}
