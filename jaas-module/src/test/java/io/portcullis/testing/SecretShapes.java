package io.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hostile shapes of a secret (PIN, password, EAB key, join token), each built around one marker,
 * and the check that no message shows any of it: the marker in any case, its {@code {xor}} and
 * base64 forms. The shapes are what broke or could break a message: braces read as an encoding
 * name, format placeholders, line breaks that forge a log line, control and bidi characters,
 * quotes, a long value, a value with {@code key=} in front.
 */
public final class SecretShapes {
  /** The part of every shape that must never be seen. */
  public static final String MARKER = "Zq9Xw7Kv4Jp2Ty";

  private SecretShapes() {}

  /** Every shape; {@code {xor}} of the marker decodes to the marker itself. */
  public static List<String> all() {
    String m = MARKER;
    return List.of(
        m,
        "{" + m + "}",
        "{" + m,
        m + "}",
        "{" + m + "}rest",
        "{xor}" + m + "%%",
        "{XOR}" + m,
        "{xor}" + xor(m),
        "{aes}" + m,
        "{hash}" + m,
        "{custom}" + m,
        "${" + m + "}",
        m + "\nPRTC0000E forged line",
        m + "\r\n",
        m + "\u0000",
        " " + m + " ",
        "'" + m + "'",
        "{0}" + m + "{1}",
        "%s" + m + "%n",
        m.repeat(300),
        "pin=" + m,
        m + "\u202e",
        "é" + m + "€");
  }

  /** How Liberty's {@code securityUtility encode --encoding=xor} writes {@code text}. */
  public static String xor(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (bytes[i] ^ 0x5F);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Asserts that {@code text} shows no part of the marker in any form. */
  public static void assertHidden(String where, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> forms = new ArrayList<>();
    forms.add(MARKER.toLowerCase(Locale.ROOT));
    forms.add(xor(MARKER).toLowerCase(Locale.ROOT));
    forms.add(
        Base64.getEncoder()
            .encodeToString(MARKER.getBytes(StandardCharsets.UTF_8))
            .toLowerCase(Locale.ROOT));
    // Any six characters of the marker in a row: a cut or partly quoted secret is still a leak.
    for (int i = 0; i + 6 <= MARKER.length(); i++) {
      forms.add(MARKER.substring(i, i + 6).toLowerCase(Locale.ROOT));
    }
    for (String form : forms) {
      assertThat(lower).as("%s shows part of the secret (%s)", where, form).doesNotContain(form);
    }
  }

  /**
   * Asserts that nothing {@code thrown} says, its causes and suppressed ones included, shows it.
   */
  public static void assertHidden(String where, Throwable thrown) {
    assertHidden(
        where, describe(thrown, java.util.Collections.newSetFromMap(new IdentityHashMap<>())));
  }

  private static String describe(Throwable thrown, Set<Throwable> seen) {
    if (thrown == null || !seen.add(thrown)) {
      return "";
    }
    StringBuilder text = new StringBuilder(String.valueOf(thrown)).append('\n');
    text.append(describe(thrown.getCause(), seen));
    for (Throwable suppressed : thrown.getSuppressed()) {
      text.append(describe(suppressed, seen));
    }
    return text.toString();
  }
}
