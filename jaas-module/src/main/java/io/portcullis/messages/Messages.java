package io.portcullis.messages;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Operator-facing messages. Every message starts with its ID ({@code PRTCnnnnX}); the bundle also
 * holds an explanation and a user action for each ID ({@code ID.explanation}, {@code
 * ID.useraction}), which {@code docs/messages.md} lists.
 */
public final class Messages {
  private static final String BUNDLE = "io.portcullis.messages.PortcullisMessages";

  private Messages() {}

  /**
   * Formats message {@code id} with {@code args}. The result starts with the ID followed by a
   * colon, as Liberty's own messages do, so log scanners and tests match on the ID alone.
   */
  public static String format(String id, Object... args) {
    String pattern;
    try {
      pattern = ResourceBundle.getBundle(BUNDLE, Locale.ROOT).getString(id);
    } catch (MissingResourceException e) {
      // A missing text must never hide the ID the operator needs.
      return id + ": " + java.util.Arrays.toString(args);
    }
    return id + ": " + new MessageFormat(pattern, Locale.ROOT).format(args);
  }

  /** The explanation text for {@code id}, or an empty string when there is none. */
  public static String explanation(String id) {
    return lookup(id + ".explanation");
  }

  /** The user action text for {@code id}, or an empty string when there is none. */
  public static String userAction(String id) {
    return lookup(id + ".useraction");
  }

  private static String lookup(String key) {
    try {
      return ResourceBundle.getBundle(BUNDLE, Locale.ROOT).getString(key);
    } catch (MissingResourceException e) {
      return "";
    }
  }
}
