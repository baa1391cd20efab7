package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.util.Optional;

/**
 * Turns a PKCS#11 failure, wherever the JDK wrapped it, into the message that tells the operator
 * which fault it is. The JDK's PKCS#11 exception is internal, so its {@code CKR_} name is read from
 * the message text of the cause chain.
 */
final class Pkcs11Errors {
  private Pkcs11Errors() {}

  /** True when the token has lost the session's login (logout, restart, failover). */
  static boolean isLoggedOut(Throwable failure) {
    return returnCode(failure)
        .filter(
            c ->
                c.equals("CKR_USER_NOT_LOGGED_IN")
                    || c.equals("CKR_SESSION_HANDLE_INVALID")
                    || c.equals("CKR_SESSION_CLOSED")
                    // SoftHSM2 and others hide private objects after a logout.
                    || c.equals("CKR_OBJECT_HANDLE_INVALID")
                    || c.equals("CKR_KEY_HANDLE_INVALID")
                    || c.equals("CKR_DEVICE_REMOVED")
                    || c.equals("CKR_TOKEN_NOT_PRESENT"))
        .isPresent();
  }

  /** The precise message for a known fault, or empty when the fault has no message of its own. */
  static Optional<PortcullisException> translate(Throwable failure, String token) {
    Optional<String> code = returnCode(failure);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        switch (code.get()) {
          case "CKR_PIN_INCORRECT", "CKR_PIN_INVALID", "CKR_PIN_LEN_RANGE" ->
              KeySourceMessage.WRONG_PIN.causedBy(failure, token);
          case "CKR_PIN_LOCKED", "CKR_PIN_EXPIRED" ->
              KeySourceMessage.PIN_LOCKED.causedBy(failure, token);
          case "CKR_TOKEN_NOT_PRESENT",
              "CKR_DEVICE_REMOVED",
              "CKR_SLOT_ID_INVALID",
              "CKR_TOKEN_NOT_RECOGNIZED" ->
              KeySourceMessage.NO_TOKEN.causedBy(failure, token);
          default -> KeySourceMessage.PKCS11_FAILED.causedBy(failure, token, code.get());
        });
  }

  /** Any failure as a message: the precise one when known, else PRTC0513E with its text. */
  static PortcullisException general(Throwable failure, String token) {
    return translate(failure, token)
        .orElseGet(
            () -> KeySourceMessage.PKCS11_FAILED.causedBy(failure, token, describe(failure)));
  }

  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString();
  }

  private static Optional<String> returnCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null) {
        int at = message.indexOf("CKR_");
        if (at >= 0) {
          int end = at;
          while (end < message.length()
              && (Character.isLetterOrDigit(message.charAt(end)) || message.charAt(end) == '_')) {
            end++;
          }
          return Optional.of(message.substring(at, end));
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }
}
