package io.portcullis.liberty.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One value of one of the feature's metrics.
 *
 * @param name the metric's name, dotted ({@code portcullis.certificate.expiry}); a reporting bundle
 *     turns it into its ecosystem's form
 * @param unit {@code seconds}, or {@code none}
 * @param description what it measures, for the metric's help text
 * @param tags its labels: names of key sources and areas, and message IDs; never anything a caller
 *     chooses, so their number is bounded by the configuration and the message catalog
 * @param value the value now
 */
public record Sample(
    String name, String unit, String description, Map<String, String> tags, double value) {
  public Sample {
    Objects.requireNonNull(name, "name");
    tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }
}
