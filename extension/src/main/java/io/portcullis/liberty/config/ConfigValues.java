package io.portcullis.liberty.config;

import io.portcullis.config.Settings;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Text of the values Liberty's configuration admin delivers for {@code <usr_portcullis>}. */
public final class ConfigValues {
  private ConfigValues() {}

  /**
   * The value as stripped text. Multi-valued attributes (arrays, collections) become
   * comma-separated; attributes of type password arrive as a protected string whose {@code
   * getChars()} gives the text as written (perhaps {@code {xor}} or {@code {aes}}-encoded, for the
   * reader to decode) and whose {@code toString()} hides it.
   */
  public static String text(Object value) {
    return textOf(value);
  }

  /**
   * The value of a setting of {@code type} as text: a duration typed in the metatype arrives as
   * milliseconds and leaves as an ISO-8601 duration ({@code PT2S}), which the parsers read.
   */
  public static String text(Object value, Settings.Type type) {
    if (value instanceof Number millis && type == Settings.Type.DURATION) {
      return Duration.ofMillis(millis.longValue()).toString();
    }
    return textOf(value);
  }

  private static String textOf(Object value) {
    if (value instanceof Object[] array) {
      return Arrays.stream(array)
          .map(String::valueOf)
          .map(String::strip)
          .collect(Collectors.joining(","));
    }
    if (value instanceof Iterable<?> iterable) {
      StringBuilder joined = new StringBuilder();
      iterable.forEach(
          v -> joined.append(joined.length() == 0 ? "" : ",").append(String.valueOf(v).strip()));
      return joined.toString();
    }
    if (!(value instanceof CharSequence)) {
      try {
        Object chars = value.getClass().getMethod("getChars").invoke(value);
        if (chars instanceof char[] array) {
          return new String(array).strip();
        }
      } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
        // not a protected string: its string form is its text
      }
    }
    return String.valueOf(value).strip();
  }
}
