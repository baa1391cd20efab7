package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.messages.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every message ID the key sources use has its text, explanation and user action. */
class KeySourceMessagesTest {
  @Test
  void everyIdUsedHasExplanationAndUserAction() throws IOException {
    Pattern id = Pattern.compile("\"(PRTC\\d{4}[EWI])\"");
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher matcher = id.matcher(Files.readString(file));
        while (matcher.find()) {
          used.add(matcher.group(1));
        }
      }
    }
    assertThat(used)
        .isNotEmpty()
        .allMatch(i -> i.compareTo("PRTC0500") > 0 && i.compareTo("PRTC0600") < 0);
    for (String messageId : used) {
      assertThat(Messages.format(messageId, "a", "b", "c")).as(messageId).doesNotContain("[a, b");
      assertThat(Messages.explanation(messageId)).as(messageId).isNotEmpty();
      assertThat(Messages.userAction(messageId)).as(messageId).isNotEmpty();
    }
  }
}
