package io.portcullis.liberty.report;

import java.util.List;

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
}
