package io.portcullis.renewal;

import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.Secret;
import io.portcullis.messages.PortcullisException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a key source renews from an ACME server (RFC 8555): {@code acmeDirectory}, {@code
 * acmeAccountKey}, {@code acmeEabKid} with {@code acmeEabKey} or {@code acmeEabKeyEnv}, {@code
 * acmeTrust}, {@code acmeHttpPort}; the anchors of the chains it issues are {@code caRoot}.
 *
 * @param directory the server's directory URL (https)
 * @param accountKey the account key's PEM file, made when missing
 * @param eabKid the External Account Binding's key ID, when the server's operator gave one
 * @param eabKey its HMAC key (base64url), present exactly when {@code eabKid} is
 * @param trust CA certificates to trust for the server's TLS, else the JVM's trust store
 * @param httpPort where to answer http-01 challenges while an order waits, if anywhere
 */
public record AcmeSettings(
    URI directory,
    Path accountKey,
    Optional<String> eabKid,
    Optional<Secret> eabKey,
    Optional<Path> trust,
    OptionalInt httpPort) {

  /** Reads the ACME attributes of a key source that says {@code renew="acme"}. */
  static AcmeSettings fromMap(Map<String, String> values, Map<String, String> env)
      throws PortcullisException {
    URI directory =
        RenewalSettings.text(values, "acmeDirectory")
            .map(AcmeSettings::directory)
            .orElseThrow(
                () ->
                    KeySourceMessage.CONFIG_INVALID.exception(
                        "renew=acme needs acmeDirectory, the ACME server's directory URL"));
    Path accountKey =
        RenewalSettings.text(values, "acmeAccountKey")
            .map(Path::of)
            .orElseThrow(
                () ->
                    KeySourceMessage.CONFIG_INVALID.exception(
                        "renew=acme needs acmeAccountKey, the account key's PEM file (made when"
                            + " missing)"));
    Optional<String> kid = RenewalSettings.text(values, "acmeEabKid");
    Optional<Secret> key = KeySourceConfig.secret(values, env, "acmeEabKey", "acmeEabKeyEnv");
    if (kid.isPresent() != key.isPresent()) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "External Account Binding needs both acmeEabKid and acmeEabKey (or acmeEabKeyEnv)");
    }
    if (key.isPresent()) {
      checkMacKey(key.get());
    }
    OptionalInt port = OptionalInt.empty();
    Optional<String> portText = RenewalSettings.text(values, "acmeHttpPort");
    if (portText.isPresent()) {
      try {
        int value = Integer.parseInt(portText.get());
        if (value < 1 || value > 65535) {
          throw new NumberFormatException("out of range");
        }
        port = OptionalInt.of(value);
      } catch (NumberFormatException e) {
        throw KeySourceMessage.CONFIG_INVALID.causedBy(
            e, "acmeHttpPort=" + portText.get() + " is not a port (1 to 65535)");
      }
    }
    return new AcmeSettings(
        directory,
        accountKey,
        kid,
        key,
        RenewalSettings.text(values, "acmeTrust").map(Path::of),
        port);
  }

  /**
   * Refuses an EAB key that is not base64url here, where the message can say so without a word of
   * it: decoded later, the ACME library's error would name the character it stopped at.
   */
  private static void checkMacKey(Secret key) throws PortcullisException {
    char[] chars = key.chars();
    byte[] ascii = new byte[chars.length];
    boolean usable = chars.length > 0;
    for (int i = 0; i < chars.length; i++) {
      usable &= chars[i] < 128;
      ascii[i] = (byte) chars[i];
    }
    java.util.Arrays.fill(chars, '\0');
    try {
      byte[] decoded = usable ? java.util.Base64.getUrlDecoder().decode(ascii) : new byte[0];
      usable = decoded.length > 0;
      java.util.Arrays.fill(decoded, (byte) 0);
    } catch (IllegalArgumentException e) {
      usable = false; // its message names the offending character: not passed on
    } finally {
      java.util.Arrays.fill(ascii, (byte) 0);
    }
    if (!usable) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "acmeEabKey (or the variable acmeEabKeyEnv names) is not a base64url HMAC key as the ACME"
              + " server's operator gives it");
    }
  }

  private static URI directory(String text) {
    try {
      URI uri = new URI(text);
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new URISyntaxException(text, "not an https URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "acmeDirectory=" + text + " is not usable: " + e.getMessage(), e);
    }
  }
}
