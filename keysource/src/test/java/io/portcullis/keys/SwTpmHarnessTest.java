package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.testing.NativeTools;
import io.portcullis.keys.testing.SwTpm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swtpm harness starts its three daemons in a temp directory and leaves none behind. */
class SwTpmHarnessTest {
  @TempDir Path dir;

  @Test
  void startsAUsableTpmAndStopsEveryDaemon() {
    List<Long> pids;
    // A short socket path: unix socket paths are limited to 108 bytes.
    try (SwTpm tpm = SwTpm.start(dir.resolve("t"), dir.resolve("t/store"), dir.resolve("t/bus"))) {
      pids = tpm.pids();
      assertThat(pids).hasSize(3);
      assertThat(pids)
          .allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      tpm.addToken("harness", "1234");
      String slots =
          NativeTools.run(
              List.of("pkcs11-tool", "--module", SwTpm.LIBRARY.toString(), "--list-token-slots"),
              tpm.environment(),
              dir);
      assertThat(slots).contains("harness");
    }
    assertThat(pids)
        .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertThat(dir.resolve("t")).doesNotExist();
  }
}
