package io.portcullis.cli;

import io.portcullis.ca.AtomicFiles;
import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.LeafIssuer;
import io.portcullis.ca.Pem;
import io.portcullis.ca.SigningProvider;
import io.portcullis.messages.MessageId;
import io.portcullis.messages.PortcullisException;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine;

/** What every {@code portcullis ca ...} command shares: the state directory, output, errors. */
abstract class CaSupport implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--dir",
      description = "The CA state directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:PORTCULLIS_CA_DIR:-portcullis-ca}")
  Path dir;

  @CommandLine.Option(
      names = "--operator",
      description = "Who runs the command, for the audit log (default: the OS user).",
      defaultValue = "${sys:user.name}")
  String operator;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (PortcullisException e) {
      err().println(e.getMessage());
      return 1;
    }
  }

  abstract int run() throws PortcullisException;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void info(MessageId message, Object... args) {
    out().println(message.format(args));
  }

  CertificateAuthority open() throws PortcullisException {
    return CertificateAuthority.open(
        dir, Clock.systemUTC(), new SecureRandom(), SigningProvider.BC);
  }

  /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT24H}). */
  static Duration duration(String what, String text) throws PortcullisException {
    try {
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      long amount = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException(text);
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw CaMessage.VALUE_INVALID.causedBy(e, what, text, "a duration such as 90s, 30m, 24h, 7d");
    }
  }

  static String readText(Path file) throws PortcullisException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, file, e.getMessage());
    }
  }

  /** Shortest root key passphrase accepted when a root key is made. */
  static final int MIN_PASSPHRASE = 12;

  /**
   * The secret ({@code what}) in {@code file}, or on standard input for {@code -}: refused unless
   * the file is readable by its owner alone (0600, 0400) and owned by the user running the command.
   * One trailing line break is dropped; everything else, spaces included, is the secret.
   */
  static String readSecret(Path file, String what) throws PortcullisException {
    String text;
    if (file.toString().equals("-")) {
      try {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CaMessage.FILE_UNUSABLE.causedBy(e, "standard input", e.getMessage());
      }
    } else {
      ownerOnly(file, what);
      text = readText(file);
    }
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  /** Refuses {@code file} unless only its owner, the user running the command, can reach it. */
  static void ownerOnly(Path file, String what) throws PortcullisException {
    java.util.Optional<String> exposure;
    try {
      exposure = io.portcullis.keys.SecretFiles.exposure(file);
    } catch (IOException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, file, e.getMessage());
    }
    if (exposure.isPresent()) {
      throw CaMessage.SECRET_FILE_OPEN.exception(file, what, exposure.get());
    }
  }

  /** Refuses a passphrase for a new root key shorter than {@link #MIN_PASSPHRASE}. */
  static char[] strongEnough(char[] passphrase, String what) throws PortcullisException {
    if (passphrase.length < MIN_PASSPHRASE) {
      int length = passphrase.length;
      java.util.Arrays.fill(passphrase, '\0');
      throw CaMessage.PASSPHRASE_WEAK.exception(what, length, MIN_PASSPHRASE);
    }
    return passphrase;
  }

  static byte[] readBytes(Path file) throws PortcullisException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, file, e.getMessage());
    }
  }

  static void write(Path file, String text, boolean secret) throws PortcullisException {
    try {
      AtomicFiles.writeString(file, text, secret);
    } catch (IOException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, file, e.getMessage());
    }
  }

  /** A CSR from a PEM or DER file. */
  static PKCS10CertificationRequest csr(Path file) throws PortcullisException {
    byte[] bytes = readBytes(file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN")) {
      try {
        return Pem.csr(text);
      } catch (IOException e) {
        throw CaMessage.REQUEST_UNREADABLE.causedBy(e, e.getMessage());
      }
    }
    return LeafIssuer.parseCsr(bytes);
  }

  /** The first certificate of a PEM file. */
  static X509Certificate certificate(Path file) throws PortcullisException {
    try {
      List<X509Certificate> certificates = Pem.certificates(readText(file));
      if (certificates.isEmpty()) {
        throw CaMessage.FILE_UNUSABLE.exception(file, "no certificate in it");
      }
      return certificates.get(0);
    } catch (IOException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, file, e.getMessage());
    }
  }

  /**
   * A secret from the environment variable {@code env}, or typed at the terminal. Never from the
   * command line, where other users could read it.
   */
  static char[] secret(String what, String env, boolean confirm) throws PortcullisException {
    String value = System.getenv(env);
    if (value != null && !value.isEmpty()) {
      return value.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw CaMessage.SECRET_NOT_GIVEN.exception(what, env);
    }
    char[] first = console.readPassword("%s: ", what);
    if (confirm) {
      char[] again = console.readPassword("%s (again): ", what);
      if (first == null || !java.util.Arrays.equals(first, again)) {
        throw CaMessage.SECRET_NOT_GIVEN.exception(what + " (the two entries differ)", env);
      }
    }
    if (first == null || first.length == 0) {
      throw CaMessage.SECRET_NOT_GIVEN.exception(what, env);
    }
    return first;
  }
}
