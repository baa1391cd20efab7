package io.portcullis.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountKeyTest {
  @TempDir Path dir;

  @Test
  void anAccountKeyOthersCanReadIsNotUsedNorReplaced() throws Exception {
    // Found by review: a 0644 account key file was used as it was.
    Path file = dir.resolve("acme-account.pem");
    KeyPair made = AccountKey.loadOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    byte[] written = Files.readAllBytes(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> AccountKey.loadOrCreate(file))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0607E");
              assertThat(e.getMessage()).contains("rw-r--r--");
            });
    assertThat(Files.readAllBytes(file)).as("the key is left as it was").isEqualTo(written);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertThat(AccountKey.loadOrCreate(file).getPublic()).isEqualTo(made.getPublic());
  }
}
