package io.portcullis.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every message ID in the bundle has an explanation, a user action and a section in docs. */
class MessagesDocTest {

  @Test
  void everyIdIsCompleteAndDocumented() throws IOException {
    Properties bundle = new Properties();
    try (InputStream in =
        Messages.class.getResourceAsStream(
            "/io/portcullis/messages/PortcullisMessages.properties")) {
      bundle.load(in);
    }
    Path doc = Path.of("..", "docs", "messages.md");
    String text = Files.readString(doc);
    for (String key : bundle.stringPropertyNames()) {
      if (key.matches("PRTC\\d{4}[IWE]")) {
        assertThat(bundle.getProperty(key + ".explanation")).as(key + ".explanation").isNotBlank();
        assertThat(bundle.getProperty(key + ".useraction")).as(key + ".useraction").isNotBlank();
        assertThat(text).as(key + " in docs/messages.md").contains("## " + key);
      }
    }
  }
}
