package io.portcullis.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What every module's messages must satisfy, checked by each module's own test: each named message
 * is in the catalog's range and bundle with an explanation and a user action, formats its
 * arguments, has its section in docs/messages.md; each ID of the bundle is named; and no main
 * source spells one of the catalog's IDs (call sites use the names).
 */
public final class CatalogContract {
  private static final Pattern ID_LITERAL = Pattern.compile("\"(PRTC\\d{4}[IWE])\"");

  private CatalogContract() {}

  /**
   * @param named the module's message enum constants
   * @param sourceRoots main source directories of the modules that raise these messages
   */
  public static void check(MessageCatalog catalog, MessageId[] named, Path... sourceRoots)
      throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "messages.md"));
    Set<String> ids = new HashSet<>();
    for (MessageId message : named) {
      String id = message.id();
      assertThat(ids.add(id)).as("%s named twice", id).isTrue();
      assertThat(catalog.owns(id)).as("%s in the range of %s", id, catalog.bundle()).isTrue();
      assertThat(message.catalog()).isSameAs(catalog);
      assertThat(catalog.explanation(id)).as(id + ".explanation").isNotBlank();
      assertThat(catalog.userAction(id)).as(id + ".useraction").isNotBlank();
      assertThat(doc).as(id + " in docs/messages.md").contains("## " + id + "\n");
      // An apostrophe would make MessageFormat swallow the placeholders after it.
      String formatted = message.format("A0", "A1", "A2", "A3", "A4", "A5");
      assertThat(formatted).as(id).startsWith(id + ": ").doesNotContain("{").doesNotContain("[A0");
      String pattern = formatted.substring(id.length() + 2);
      for (int i = 0; i < 6; i++) {
        if (catalog.format(id).contains("{" + i + "}")) {
          assertThat(pattern).as(id).contains("A" + i);
        }
      }
    }
    assertThat(catalog.ids()).as("IDs of %s without a name", catalog.bundle()).isEqualTo(ids);
    List<String> spelt = new ArrayList<>();
    for (Path root : sourceRoots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher matcher = ID_LITERAL.matcher(Files.readString(file));
          Set<String> own = new TreeSet<>();
          while (matcher.find()) {
            if (catalog.owns(matcher.group(1))) {
              own.add(matcher.group(1));
            }
          }
          if (!own.isEmpty() && !isNamingEnum(file, named)) {
            spelt.add(file + " " + own);
          }
        }
      }
    }
    assertThat(spelt).as("main sources spelling IDs instead of naming them").isEmpty();
  }

  private static boolean isNamingEnum(Path file, MessageId[] named) {
    return named.length > 0
        && file.getFileName().toString().equals(named[0].getClass().getSimpleName() + ".java");
  }
}
