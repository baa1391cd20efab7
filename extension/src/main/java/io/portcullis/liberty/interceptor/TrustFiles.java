package io.portcullis.liberty.interceptor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the trust areas' certificate files held when they were read: a SHA-256 of each file's bytes,
 * or why it could not be read. Two snapshots differ when any file was replaced, edited, removed or
 * came back, whatever its time stamps say.
 */
final class TrustFiles {
  /** No files: what a configuration that names none (or could not be read) watches. */
  static final TrustFiles NONE = new TrustFiles(Map.of());

  private final Map<Path, String> contents;

  private TrustFiles(Map<Path, String> contents) {
    this.contents = contents;
  }

  /** Reads {@code files} now. */
  static TrustFiles read(List<Path> files) {
    Map<Path, String> contents = new LinkedHashMap<>();
    for (Path file : files) {
      contents.put(file, digest(file));
    }
    return new TrustFiles(Map.copyOf(contents));
  }

  /** The files this snapshot looked at. */
  List<Path> paths() {
    return List.copyOf(contents.keySet());
  }

  /** The files whose content differs between this snapshot and {@code other}. */
  List<Path> changedSince(TrustFiles other) {
    List<Path> changed = new ArrayList<>();
    for (Map.Entry<Path, String> entry : contents.entrySet()) {
      if (!entry.getValue().equals(other.contents.get(entry.getKey()))) {
        changed.add(entry.getKey());
      }
    }
    return changed;
  }

  private static String digest(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      return "unreadable: " + e.getClass().getSimpleName();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TrustFiles files && contents.equals(files.contents);
  }

  @Override
  public int hashCode() {
    return Objects.hash(contents);
  }
}
