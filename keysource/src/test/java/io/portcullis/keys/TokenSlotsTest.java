package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSlotsTest {
  @TempDir Path dir;

  private Path tool(String body) throws Exception {
    Path tool = dir.resolve("pkcs11-tool");
    Files.writeString(tool, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    return tool;
  }

  @Test
  void aToolThatHangsAfterWritingIsStoppedAtTheDeadline() throws Exception {
    // Found by review: the output was read to its end before the timeout started, so a tool that
    // wrote and then hung held the caller (and its lock) for as long as it liked.
    Path hanging = tool("echo 'Slot 0 (0x1): SoftHSM slot ID 0x1'\nexec sleep 60");
    long start = System.nanoTime();
    assertThatThrownBy(() -> TokenSlots.list(dir, hanging, Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0523E");
              assertThat(e.getMessage()).contains("did not finish within 2 s");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aToolThatNeverWritesIsStoppedToo() throws Exception {
    Path silent = tool("exec sleep 60");
    assertThatThrownBy(() -> TokenSlots.list(dir, silent, Duration.ofSeconds(1)))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0523E");
  }

  @Test
  void theListingIsReadFromTheToolsOutput() throws Exception {
    Path lister =
        tool(
            "echo 'Available slots:'\n"
                + "echo 'Slot 0 (0x2a): SoftHSM slot ID 0x2a'\n"
                + "echo '  token label        : portcullis'\n"
                + "echo 'Slot 1 (0x7): SoftHSM slot ID 0x7'\n"
                + "echo '  token state:   uninitialized'");
    assertThat(TokenSlots.list(dir, lister, Duration.ofSeconds(10)))
        .containsExactly(Map.entry("portcullis", 0x2aL));
    Path failing = tool("echo 'error: no such module'\nexit 1");
    assertThatThrownBy(() -> TokenSlots.list(dir, failing, Duration.ofSeconds(10)))
        .hasMessageStartingWith("PRTC0503E")
        .hasMessageContaining("no such module");
  }

  @Test
  void theToolIsNeverLookedUpThroughPath() throws Exception {
    assertThat(TokenSlots.tool(Map.of(), new Properties())).isEqualTo(TokenSlots.DEFAULT_TOOL);
    assertThat(TokenSlots.DEFAULT_TOOL.isAbsolute()).isTrue();
    assertThat(
            TokenSlots.tool(
                Map.of(TokenSlots.TOOL_ENV, "/opt/opensc/bin/pkcs11-tool"), new Properties()))
        .isEqualTo(Path.of("/opt/opensc/bin/pkcs11-tool"));
    Properties relative = new Properties();
    relative.setProperty(TokenSlots.TOOL_PROPERTY, "pkcs11-tool");
    assertThatThrownBy(() -> TokenSlots.tool(Map.of(), relative))
        .hasMessageStartingWith("PRTC0523E")
        .hasMessageContaining("absolute");
  }
}
