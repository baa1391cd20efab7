package io.portcullis.keys;

import io.portcullis.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
  private static final long TIMEOUT_SECONDS = 30;

  private TokenSlots() {}

  public static long slotOf(Path library, String label) throws PortcullisException {
    Map<String, Long> tokens = list(library);
    Long slot = tokens.get(label);
    if (slot == null) {
      throw KeySourceMessage.TOKEN_NOT_FOUND.exception(
          label, library, tokens.isEmpty() ? "none" : tokens.keySet());
    }
    return slot;
  }

  /** Token label to slot ID, for every slot holding a token. */
  static Map<String, Long> list(Path library) throws PortcullisException {
    Process process;
    try {
      process =
          new ProcessBuilder("pkcs11-tool", "--module", library.toString(), "--list-token-slots")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, e.getMessage());
    }
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw KeySourceMessage.PKCS11_TOOL_MISSING.exception(
            "pkcs11-tool did not finish in " + TIMEOUT_SECONDS + " s");
      }
    } catch (IOException e) {
      process.destroyForcibly();
      throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw KeySourceMessage.PKCS11_TOOL_MISSING.causedBy(e, "interrupted");
    }
    if (process.exitValue() != 0) {
      throw KeySourceMessage.LIBRARY_UNLOADABLE.exception(
          library, "pkcs11-tool could not use it: " + lastLine(output));
    }
    return parse(output);
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
