package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.messages.CatalogContract;
import io.portcullis.messages.Messages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CA's messages live in the CA's own bundle, named, complete and documented. */
class CaMessagesTest {
  @Test
  void theCaCatalogIsCompleteAndNamed() throws Exception {
    CatalogContract.check(
        CaMessage.messages(),
        CaMessage.values(),
        Path.of("src/main/java"),
        Path.of("../cli/src/main/java"));
    assertThat(CaMessage.values()).hasSizeGreaterThan(40);
  }

  @Test
  void theCoreNoLongerHoldsCaMessages() {
    assertThat(Messages.CORE.ids()).noneMatch(id -> id.startsWith("PRTC04"));
    assertThat(Messages.CORE.owns(CaMessage.AREA_UNKNOWN.id())).isFalse();
    assertThat(CaMessage.AREA_UNKNOWN.format("payments"))
        .isEqualTo("PRTC0407E: There is no area named payments.");
  }
}
