package io.portcullis.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The core's messages are named, complete and documented, and no module spells their IDs. */
class MessagesDocTest {

  @Test
  void theCoreCatalogIsCompleteAndNamed() throws Exception {
    CatalogContract.check(
        Messages.CORE,
        CoreMessage.values(),
        Path.of("src/main/java"),
        Path.of("../keysource/src/main/java"),
        Path.of("../ca/src/main/java"),
        Path.of("../cli/src/main/java"),
        Path.of("../extension/src/main/java"),
        Path.of("../sample-app-jaspic/src/main/java"));
  }

  @Test
  void aNamedMessageRaisesItsIdWithItsCause() {
    IllegalStateException cause = new IllegalStateException("boom");
    PortcullisException e = CoreMessage.PROPERTY_REQUIRED.causedBy(cause, "portcullis.x", "(y)");
    assertThat(e.messageId()).isEqualTo("PRTC0702E");
    assertThat(e)
        .hasMessage("PRTC0702E: The property portcullis.x is required (y).")
        .hasCause(cause);
    assertThat(CoreMessage.PROPERTY_REQUIRED.is(e)).isTrue();
    assertThat(CoreMessage.PROPERTY_UNKNOWN.is(e)).isFalse();
  }
}
