package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.ProviderException;
import javax.security.auth.login.FailedLoginException;
import org.junit.jupiter.api.Test;

/**
 * The mapping from PKCS#11 return codes to messages, for faults the test tokens cannot produce on
 * demand: SoftHSM2 never locks a PIN and swtpm's dictionary-attack lockout would stall the run.
 */
class Pkcs11ErrorsTest {
  /** How SunPKCS11 wraps a failed login: IOException <- LoginException <- PKCS11Exception. */
  static Throwable wrapped(String code) {
    FailedLoginException login = new FailedLoginException();
    login.initCause(new ProviderException(code));
    return new IOException("load failed", login);
  }

  @Test
  void aLockedPinIsNamed() {
    assertThat(Pkcs11Errors.translate(wrapped("CKR_PIN_LOCKED"), "token 't'"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0506E");
              assertThat(e.getMessage()).contains("locked");
            });
  }

  @Test
  void aRemovedTokenIsNamed() {
    assertThat(Pkcs11Errors.translate(wrapped("CKR_DEVICE_REMOVED"), "token 't'"))
        .hasValueSatisfying(e -> assertThat(e.messageId()).isEqualTo("PRTC0519E"));
    assertThat(Pkcs11Errors.isLoggedOut(wrapped("CKR_USER_NOT_LOGGED_IN"))).isTrue();
  }

  @Test
  void otherCodesKeepTheirName() {
    assertThat(Pkcs11Errors.general(wrapped("CKR_DEVICE_MEMORY"), "token 't'").getMessage())
        .contains("PRTC0513E")
        .contains("CKR_DEVICE_MEMORY");
    assertThat(Pkcs11Errors.translate(new IOException("no code"), "t")).isEmpty();
  }

  @Test
  void pkcs11ToolOutputIsParsedToSlots() {
    String output =
        String.join(
            "\n",
            "Available slots:",
            "Slot 0 (0xc4c3e3e): SoftHSM slot ID 0xc4c3e3e",
            "  token label        : tok one",
            "  token manufacturer : SoftHSM project",
            "Slot 1 (0x1): SoftHSM slot ID 0x1",
            "  token state:   uninitialized");
    assertThat(TokenSlots.parse(output))
        .containsExactly(java.util.Map.entry("tok one", 0xc4c3e3eL));
  }
}
