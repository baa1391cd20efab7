package io.portcullis.keys.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the native tools of the harness. A missing tool fails the test with the command
 * that installs it, so a CI machine without the real token fails instead of passing silently.
 */
public final class NativeTools {
  private static final List<String> EXTRA_PATH = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  private NativeTools() {}

  /** The absolute path of {@code tool}, or an error naming the package that provides it. */
  public static Path require(String tool, String debianPackage) {
    List<String> directories = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      directories.addAll(List.of(path.split(File.pathSeparator)));
    }
    directories.addAll(EXTRA_PATH);
    for (String directory : directories) {
      Path candidate = Path.of(directory, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(missing(tool, debianPackage));
  }

  /** {@code file} must exist; else an error naming the package that provides it. */
  public static Path requireFile(Path file, String debianPackage) {
    if (!Files.isReadable(file)) {
      throw new IllegalStateException(missing(file.toString(), debianPackage));
    }
    return file;
  }

  private static String missing(String what, String debianPackage) {
    return what
        + " is missing: the key source tests need the real token software. Install it with"
        + " .ci/install-packages.sh (Debian package "
        + debianPackage
        + ")";
  }

  /** Runs a command to completion and returns its output; fails on a non-zero exit. */
  public static String run(List<String> command, Map<String, String> environment, Path directory) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    try {
      Process process = builder.start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command.get(0));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            command.get(0) + " exited with " + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command.get(0), e);
    }
  }

  /** Deletes {@code directory} and everything under it, if it exists. */
  public static void deleteTree(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (var paths = Files.walk(directory)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + directory, e);
    }
  }
}
