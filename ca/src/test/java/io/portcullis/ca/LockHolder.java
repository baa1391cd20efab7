package io.portcullis.ca;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process holding the CA directory's lock, as a CLI step or a hung process would: takes the
 * lock on the file it is given, says so on standard output, and keeps it until its standard input
 * closes.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel channel =
            FileChannel.open(
                Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      System.out.println(lock.isValid() ? "locked" : "not locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until the test closes our input (or ends us)
      }
    }
  }

  /** Starts a holder of {@code lockFile} and returns once it holds the lock. */
  static Process hold(Path lockFile) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                lockFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line =
        new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
            .readLine();
    if (!"locked".equals(line)) {
      process.destroyForcibly();
      throw new IllegalStateException("the lock holder did not take the lock: " + line);
    }
    return process;
  }
}
