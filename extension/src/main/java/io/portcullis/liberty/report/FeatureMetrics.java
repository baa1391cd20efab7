package io.portcullis.liberty.report;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The feature's metrics, read when asked: gauges (what is true now) and counters (what happened
 * since the feature started, each only ever growing, except that a key source's renewal counts
 * start again from zero when its configuration changes).
 */
public interface FeatureMetrics {
  /** Every gauge now. */
  List<Sample> gauges();

  /** Every counter now. */
  List<Sample> counters();

  /**
   * Hands the duration of each later full validation of a presented chain (one the cache of
   * accepted chains did not answer), in nanoseconds, to {@code sink}, in place of the previous
   * sink. The sink runs on the request's thread: it must be quick and must not throw.
   */
  void recordValidationTimes(LongConsumer sink);
}
