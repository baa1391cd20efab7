package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.messages.CatalogContract;
import io.portcullis.messages.Messages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The key sources' messages live in their own bundle, named, complete and documented. */
class KeySourceMessagesTest {
  @Test
  void theKeySourceCatalogIsCompleteAndNamed() throws Exception {
    CatalogContract.check(
        KeySourceMessage.messages(),
        KeySourceMessage.values(),
        Path.of("src/main/java"),
        Path.of("../extension/src/main/java"),
        Path.of("../cli/src/main/java"));
    assertThat(Messages.CORE.ids()).noneMatch(id -> id.startsWith("PRTC05"));
  }
}
