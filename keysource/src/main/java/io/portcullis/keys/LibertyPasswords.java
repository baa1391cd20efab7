package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Decodes passwords written the way Liberty's {@code securityUtility encode} writes them. {@code
 * {xor}} is an obfuscation (base64 of the UTF-8 bytes XOR 0x5F) and is decoded here; {@code {aes}}
 * needs Liberty's key and is decoded through Liberty's {@code PasswordUtil} when it is on the class
 * path; {@code {hash}} is one-way and can never be used as a PIN.
 */
final class LibertyPasswords {
  private static final String PASSWORD_UTIL = "com.ibm.websphere.crypto.PasswordUtil";

  /** The encodings {@code securityUtility encode} writes; any other brace is part of a secret. */
  private static final java.util.Set<String> ENCODINGS =
      java.util.Set.of("xor", "aes", "hash", "custom");

  private LibertyPasswords() {}

  static Secret decode(String attribute, String value) throws PortcullisException {
    if (!value.startsWith("{")) {
      return Secret.of(value);
    }
    int end = value.indexOf('}');
    if (end < 0) {
      return Secret.of(value);
    }
    String algorithm = value.substring(1, end).toLowerCase(Locale.ROOT);
    if (!ENCODINGS.contains(algorithm)) {
      // Not one of Liberty's encodings: a PIN or password that happens to start with a brace. It
      // is the secret itself, and no part of it may reach a message.
      return Secret.of(value);
    }
    String encoded = value.substring(end + 1);
    if (algorithm.equals("xor")) {
      return xor(attribute, encoded);
    }
    if (algorithm.equals("hash")) {
      throw KeySourceMessage.PASSWORD_ENCODING.exception(attribute, "{hash}");
    }
    return viaLiberty(attribute, "{" + algorithm + "}", value);
  }

  private static Secret xor(String attribute, String encoded) throws PortcullisException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          attribute + " starts with {xor} but is not valid base64");
    }
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (bytes[i] ^ 0x5F);
    }
    java.nio.CharBuffer text = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes));
    java.util.Arrays.fill(bytes, (byte) 0);
    char[] chars = new char[text.remaining()];
    text.get(chars);
    java.util.Arrays.fill(text.array(), '\0');
    Secret secret = Secret.of(chars);
    java.util.Arrays.fill(chars, '\0');
    return secret;
  }

  private static Secret viaLiberty(String attribute, String algorithm, String value)
      throws PortcullisException {
    try {
      Class<?> util = Class.forName(PASSWORD_UTIL, true, LibertyPasswords.class.getClassLoader());
      Method decode = util.getMethod("passwordDecode", String.class);
      Object decoded = decode.invoke(null, value);
      if (decoded instanceof String text && !text.equals(value)) {
        return Secret.of(text);
      }
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      // Not inside Liberty: fall through to the message that says so.
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          attribute + " could not be decoded by Liberty: " + e.getClass().getName());
    }
    throw KeySourceMessage.PASSWORD_ENCODING.exception(attribute, algorithm);
  }
}
