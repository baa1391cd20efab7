package io.portcullis.liberty.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One health check's answer: its name, whether it is UP, and its data (names, serials, times and
 * message IDs; never a key, PIN, password or join token).
 *
 * @param name the check's name, unique among the feature's checks ({@code portcullis-keysource-
 *     https})
 * @param up whether it is UP
 * @param data name and value pairs, in a stable order
 */
public record Check(String name, boolean up, Map<String, String> data) {
  public Check {
    Objects.requireNonNull(name, "name");
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }
}
