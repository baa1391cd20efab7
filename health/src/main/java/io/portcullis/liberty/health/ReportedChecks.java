package io.portcullis.liberty.health;

import io.portcullis.liberty.report.FeatureReport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The feature's report, handed from the OSGi side (which has it as a service) to the CDI side
 * (whose extensions Weld makes with their no-argument constructors), and which application holds
 * the checks: MicroProfile Health lists the checks of every application, so the feature's checks go
 * to one application only, or each would appear once per application.
 */
final class ReportedChecks {
  private static final AtomicReference<FeatureReport> REPORT = new AtomicReference<>();
  private static final AtomicReference<Object> HOLDER = new AtomicReference<>();

  private ReportedChecks() {}

  /** The report to read from, or {@code null} when the feature stopped. */
  static void use(FeatureReport report) {
    REPORT.set(report);
  }

  /** The report, while the feature runs. */
  static Optional<FeatureReport> report() {
    return Optional.ofNullable(REPORT.get());
  }

  /** Whether {@code application} now holds the checks: true for the first to ask. */
  static boolean claim(Object application) {
    return HOLDER.compareAndSet(null, application) || HOLDER.get() == application;
  }

  /** {@code application} stopped: the next application to start takes the checks. */
  static void release(Object application) {
    HOLDER.compareAndSet(application, null);
  }
}
