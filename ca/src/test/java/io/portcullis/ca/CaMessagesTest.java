package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.messages.Messages;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every CA message ID (PRTC04nn) formats cleanly and has an explanation and a user action. */
class CaMessagesTest {
  @Test
  void everyCaMessageIsCompleteAndFormatsItsArguments() throws Exception {
    Properties bundle = new Properties();
    try (InputStream in =
        Messages.class.getResourceAsStream(
            "/io/portcullis/messages/PortcullisMessages.properties")) {
      bundle.load(in);
    }
    long count = 0;
    for (String key : bundle.stringPropertyNames()) {
      if (!key.matches("PRTC04\\d\\d[IWE]")) {
        continue;
      }
      count++;
      assertThat(Messages.explanation(key)).as(key).isNotBlank();
      assertThat(Messages.userAction(key)).as(key).isNotBlank();
      // An apostrophe would make MessageFormat swallow the placeholders after it.
      String formatted = Messages.format(key, "A0", "A1", "A2", "A3", "A4", "A5");
      assertThat(formatted).as(key).startsWith(key + ": ").doesNotContain("{");
      for (int i = 0; i < 6; i++) {
        if (bundle.getProperty(key).contains("{" + i + "}")) {
          assertThat(formatted).as(key).contains("A" + i);
        }
      }
    }
    assertThat(count).isGreaterThan(40);
  }
}
