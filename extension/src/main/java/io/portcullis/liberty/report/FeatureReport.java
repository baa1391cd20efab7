package io.portcullis.liberty.report;

import java.util.List;

/**
 * The feature's health as MicroProfile Health asks for it, judged when asked. Every method is cheap
 * (nothing waits for a renewal in flight, a token or the network) and safe from any thread.
 */
public interface FeatureReport {
  /** The prefix of every check's name. */
  String PREFIX = "portcullis";

  /**
   * The readiness checks: first the whole feature ({@value #PREFIX}: DOWN while anything below is
   * DOWN or no configuration is in force), then one per key source ({@code
   * portcullis-keysource-NAME}) and one per trust area ({@code portcullis-area-NAME}) of the
   * configuration in force, in configuration order.
   */
  List<Check> readiness();

  /**
   * Whether the feature can still act: DOWN only when one of its own threads is stuck or dead,
   * never because of a certificate (a restart fixes no expired certificate).
   */
  Check liveness();

  /**
   * UP once the feature has loaded its configuration and every key source has served its first
   * certificate.
   */
  Check startup();

  /**
   * The check among {@link #readiness()} called {@code name}, or one saying it is not configured.
   */
  default Check readiness(String name) {
    for (Check check : readiness()) {
      if (check.name().equals(name)) {
        return check;
      }
    }
    return new Check(name, true, java.util.Map.of("configured", "false"));
  }
}
