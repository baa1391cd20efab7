package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The public suffixes of the DNS (names under which unrelated parties register domains: {@code
 * com}, {@code co.uk}), read from a list in the format of the Public Suffix List: one rule per
 * line, {@code //} comments, {@code *.} wildcard rules and {@code !} exception rules. The web PKI
 * profile refuses a wildcard over one of them.
 *
 * @param exact names that are public suffixes themselves
 * @param wildcard names every child of which is a public suffix ({@code *.ck} is held as {@code
 *     ck})
 * @param exceptions names that are not public suffixes although a wildcard covers them
 */
public record PublicSuffixes(Set<String> exact, Set<String> wildcard, Set<String> exceptions) {

  /** Where Debian's {@code publicsuffix} package puts the list. */
  public static final Path SYSTEM_LIST = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");

  public PublicSuffixes {
    exact = Set.copyOf(exact);
    wildcard = Set.copyOf(wildcard);
    exceptions = Set.copyOf(exceptions);
  }

  /** Reads the list in {@code file}; {@code PRTC0163E} when it cannot be read or holds no rule. */
  public static PublicSuffixes read(Path file) throws PortcullisException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw CoreMessage.PUBLIC_SUFFIXES_UNREADABLE.exception(file, e.toString());
    }
    PublicSuffixes suffixes = parse(lines);
    if (suffixes.exact.isEmpty() && suffixes.wildcard.isEmpty()) {
      throw CoreMessage.PUBLIC_SUFFIXES_UNREADABLE.exception(file, "it holds no rule");
    }
    return suffixes;
  }

  /** The rules of {@code lines}; a rule that is no valid domain name is left out. */
  public static PublicSuffixes parse(List<String> lines) {
    Set<String> exact = new HashSet<>();
    Set<String> wildcard = new HashSet<>();
    Set<String> exceptions = new HashSet<>();
    for (String line : lines) {
      String rule = line.strip();
      int space = rule.indexOf(' ');
      if (space >= 0) {
        rule = rule.substring(0, space); // the list's format: a rule ends at the first whitespace
      }
      if (rule.isEmpty() || rule.startsWith("//")) {
        continue;
      }
      Set<String> into = exact;
      if (rule.startsWith("!")) {
        into = exceptions;
        rule = rule.substring(1);
      } else if (rule.startsWith("*.")) {
        into = wildcard;
        rule = rule.substring(2);
      }
      String ascii = ascii(rule);
      if (ascii != null) {
        into.add(ascii);
      }
    }
    return new PublicSuffixes(exact, wildcard, exceptions);
  }

  /**
   * Whether {@code domain} is itself a public suffix: its longest matching rule covers all of it,
   * an exception rule taking precedence, and a name no rule matches having its last label as the
   * suffix (the list's implicit {@code *} rule).
   */
  public boolean isPublicSuffix(String domain) {
    String name = ascii(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain);
    if (name == null || name.isEmpty()) {
      return false;
    }
    String[] labels = name.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      if (exceptions.contains(suffix(labels, i))) {
        return false; // the suffix is the exception's parent, shorter than the name
      }
    }
    for (int i = 0; i < labels.length; i++) {
      String candidate = suffix(labels, i);
      boolean ruled =
          exact.contains(candidate)
              || (i + 1 < labels.length && wildcard.contains(suffix(labels, i + 1)));
      if (ruled) {
        return i == 0; // the longest rule that matches decides
      }
    }
    return labels.length == 1;
  }

  private static String suffix(String[] labels, int from) {
    return String.join(".", java.util.Arrays.asList(labels).subList(from, labels.length));
  }

  private static String ascii(String name) {
    try {
      return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
