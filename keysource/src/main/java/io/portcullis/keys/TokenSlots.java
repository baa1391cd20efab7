package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the slot holding a labelled token. The JDK's SunPKCS11 provider selects a token only by
 * slot ID or slot list index, and slot IDs are not stable (SoftHSM2 assigns random ones), so the
 * slot is asked of OpenSC's {@code pkcs11-tool}, which loads the same library in a child process
 * with this process's environment.
 */
public final class TokenSlots {
  private static final Pattern SLOT = Pattern.compile("^Slot \\d+ \\((0x[0-9a-fA-F]+)\\):.*$");
  private static final Pattern LABEL = Pattern.compile("^\\s+token label\\s*:\\s?(.*)$");

  /** How long one run of the tool may take, its output included. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  /** The most output read from the tool. */
  private static final int MOST_OUTPUT = 1 << 20;

  /** Where the tool is unless configured: never looked up through PATH. */
  static final Path DEFAULT_TOOL = Path.of("/usr/bin/pkcs11-tool");

  /** The environment variable, then the system property, that name the tool's absolute path. */
  static final String TOOL_ENV = "PORTCULLIS_PKCS11_TOOL";

  static final String TOOL_PROPERTY = "portcullis.pkcs11Tool";

  private TokenSlots() {}

  public static long slotOf(Path library, String label) throws PortcullisException {
    Map<String, Long> tokens =
        list(library, tool(System.getenv(), System.getProperties()), DEADLINE);
    Long slot = tokens.get(label);
    if (slot == null) {
      throw KeySourceMessage.TOKEN_NOT_FOUND.exception(
          label, library, tokens.isEmpty() ? "none" : tokens.keySet());
    }
    return slot;
  }

  /** The tool's absolute path: configured, or {@link #DEFAULT_TOOL}. */
  static Path tool(Map<String, String> environment, java.util.Properties properties)
      throws PortcullisException {
    String configured = environment.get(TOOL_ENV);
    if (configured == null || configured.isBlank()) {
      configured = properties.getProperty(TOOL_PROPERTY);
    }
    if (configured == null || configured.isBlank()) {
      return DEFAULT_TOOL;
    }
    Path tool = Path.of(configured.strip());
    if (!tool.isAbsolute()) {
      throw KeySourceMessage.PKCS11_TOOL_MISSING.exception(
          TOOL_ENV + " / " + TOOL_PROPERTY + " must be an absolute path, not " + configured);
    }
    return tool;
  }

  /**
   * Token label to slot ID, for every slot holding a token, as {@code tool} lists them within
   * {@code deadline}. The output goes to a file, not a pipe, so the deadline covers the whole run:
   * a tool that hangs after writing, or never writes, is killed at the deadline.
   */
  static Map<String, Long> list(Path library, Path tool, Duration deadline)
      throws PortcullisException {
    Path output;
    try {
      output = Files.createTempFile("portcullis-pkcs11-tool", ".out");
    } catch (IOException e) {
      throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, e.getMessage());
    }
    try {
      Process process;
      try {
        process =
            new ProcessBuilder(
                    tool.toString(), "--module", library.toString(), "--list-token-slots")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
      } catch (IOException e) {
        throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, tool + ": " + e.getMessage());
      }
      try {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw KeySourceMessage.PKCS11_TOOL_MISSING.exception(
              tool + " did not finish within " + deadline.toSeconds() + " s; it was stopped");
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, "interrupted");
      }
      String text = read(output);
      if (process.exitValue() != 0) {
        throw KeySourceMessage.LIBRARY_UNLOADABLE.exception(
            library, tool + " could not use it: " + lastLine(text));
      }
      return parse(text);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException e) {
        // a temporary file of slot labels; the system's temp cleaning takes it
      }
    }
  }

  private static String read(Path output) throws PortcullisException {
    try (InputStream in = Files.newInputStream(output)) {
      return new String(in.readNBytes(MOST_OUTPUT), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, e.getMessage());
    }
  }

  static Map<String, Long> parse(String output) {
    Map<String, Long> tokens = new LinkedHashMap<>();
    Long slot = null;
    for (String line : output.split("\\R")) {
      Matcher slotLine = SLOT.matcher(line);
      if (slotLine.matches()) {
        slot = Long.decode(slotLine.group(1));
        continue;
      }
      Matcher labelLine = LABEL.matcher(line);
      if (labelLine.matches() && slot != null) {
        tokens.putIfAbsent(labelLine.group(1).strip(), slot);
        slot = null;
      }
    }
    return tokens;
  }

  private static String lastLine(String output) {
    List<String> lines = new ArrayList<>(List.of(output.strip().split("\\R")));
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
