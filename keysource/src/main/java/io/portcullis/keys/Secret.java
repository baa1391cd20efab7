package io.portcullis.keys;

import java.util.Arrays;

/**
 * A PIN or password. It never prints itself and hands out copies, so a caller that clears its copy
 * cannot damage the configuration and a log line cannot leak it.
 */
public final class Secret {
  private final char[] value;

  private Secret(char[] value) {
    this.value = value.clone();
  }

  static Secret of(String value) {
    return new Secret(value.toCharArray());
  }

  static Secret of(char[] value) {
    return new Secret(value);
  }

  /** A copy of the secret; clear it when done. */
  public char[] chars() {
    return value.clone();
  }

  /** True when {@code text} contains this secret; for tests that prove a message leaks nothing. */
  public boolean occursIn(String text) {
    return value.length > 0 && text != null && text.contains(new String(value));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && Arrays.equals(value, s.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "****";
  }
}
