package io.portcullis.liberty.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustFilesTest {
  @TempDir Path dir;

  @Test
  void aChangeIsItsContentNotItsTimeStamp() throws Exception {
    Path anchors = Files.writeString(dir.resolve("anchors.pem"), "root G1");
    Path intermediates = Files.writeString(dir.resolve("intermediates.pem"), "area");
    TrustFiles before = TrustFiles.read(List.of(anchors, intermediates));

    Files.setLastModifiedTime(anchors, FileTime.fromMillis(0));
    assertThat(TrustFiles.read(before.paths())).as("touched only").isEqualTo(before);

    Files.writeString(anchors, "root G1 + G2");
    TrustFiles after = TrustFiles.read(before.paths());
    assertThat(after).isNotEqualTo(before);
    assertThat(after.changedSince(before)).containsExactly(anchors);
  }

  @Test
  void aFileThatGoesAndComesBackIsAChangeEachTime() throws Exception {
    Path anchors = Files.writeString(dir.resolve("anchors.pem"), "root");
    TrustFiles present = TrustFiles.read(List.of(anchors));

    Files.delete(anchors);
    TrustFiles gone = TrustFiles.read(present.paths());
    assertThat(gone.changedSince(present)).containsExactly(anchors);

    Files.writeString(anchors, "root");
    assertThat(TrustFiles.read(present.paths())).isEqualTo(present);
  }

  @Test
  void noFilesNeverChange() {
    assertThat(TrustFiles.read(List.of())).isEqualTo(TrustFiles.NONE);
  }
}
