package io.portcullis.messages;

import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One module's message bundle and the range of IDs it owns: the core holds {@code PRTC01xx}
 * (trust), {@code PRTC02xx} (rules), {@code PRTC03xx} (adapters) and {@code PRTC07xx}
 * (configuration), the CA {@code PRTC04xx}, the key sources {@code PRTC05xx}. Every message starts
 * with its ID; the bundle also holds an explanation ({@code ID.explanation}) and a user action
 * ({@code ID.useraction}) for each, which docs/messages.md lists.
 */
public final class MessageCatalog {
  private static final Pattern ID = Pattern.compile("PRTC\\d{4}[IWE]");
  private static final Pattern AT_START =
      Pattern.compile("^(PRTC\\d{4}[IWE])\\b.*", Pattern.DOTALL);

  /** What names the reason of a message that does not start with an ID. */
  public static final String UNKNOWN = "unknown";

  /**
   * The message ID {@code message} starts with ({@code PRTC0557E: ...}), or {@link #UNKNOWN}: IDs
   * only, so labels and reason keys stay few whatever the rest of the text says.
   */
  public static String idAtStart(String message) {
    java.util.regex.Matcher id = AT_START.matcher(message == null ? "" : message);
    return id.matches() ? id.group(1) : UNKNOWN;
  }

  private final String bundle;
  private final ClassLoader loader;
  private final Pattern range;

  /**
   * @param bundle the bundle's base name
   * @param owner a class of the module, whose class loader finds the bundle
   * @param range the IDs this catalog owns, as a regular expression over the whole ID
   */
  public MessageCatalog(String bundle, Class<?> owner, String range) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.loader = Objects.requireNonNull(owner, "owner").getClassLoader();
    this.range = Pattern.compile(range);
  }

  /** Whether {@code id} is in this catalog's range. */
  public boolean owns(String id) {
    return ID.matcher(id).matches() && range.matcher(id).matches();
  }

  /**
   * Formats message {@code id} with {@code args}. The result starts with the ID followed by a
   * colon, as Liberty's own messages do, so log scanners and tests match on the ID alone.
   */
  public String format(String id, Object... args) {
    String pattern = lookup(id);
    if (pattern.isEmpty()) {
      // A missing text must never hide the ID the operator needs.
      return id + ": " + Arrays.toString(args);
    }
    return id + ": " + new MessageFormat(pattern, Locale.ROOT).format(args);
  }

  /** The explanation text for {@code id}, or an empty string when there is none. */
  public String explanation(String id) {
    return lookup(id + ".explanation");
  }

  /** The user action text for {@code id}, or an empty string when there is none. */
  public String userAction(String id) {
    return lookup(id + ".useraction");
  }

  /** The message IDs the bundle holds. */
  public Set<String> ids() {
    Set<String> ids = new TreeSet<>();
    for (String key : resourceBundle().keySet()) {
      if (ID.matcher(key).matches()) {
        ids.add(key);
      }
    }
    return ids;
  }

  /** The bundle's base name. */
  public String bundle() {
    return bundle;
  }

  private ResourceBundle resourceBundle() {
    return ResourceBundle.getBundle(bundle, Locale.ROOT, loader);
  }

  private String lookup(String key) {
    try {
      return resourceBundle().getString(key);
    } catch (MissingResourceException e) {
      return "";
    }
  }
}
