package io.portcullis.liberty.health;

import io.portcullis.liberty.report.Check;
import io.portcullis.liberty.report.FeatureReport;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;
import java.lang.annotation.Annotation;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Adds the feature's checks to the application it runs in, when that application is the first to
 * start: one readiness check for the feature as a whole and one per key source and trust area
 * configured when the application starts, the liveness check and the startup check. A key source or
 * area added later is judged by the feature's whole check; one removed later reads as not
 * configured.
 */
public final class HealthExtension implements Extension {
  void addChecks(@Observes AfterBeanDiscovery event) {
    FeatureReport report = ReportedChecks.report().orElse(null);
    if (report == null || !ReportedChecks.claim(this)) {
      return;
    }
    for (Check check : report.readiness()) {
      String name = check.name();
      add(event, name, Readiness.Literal.INSTANCE, () -> current().readiness(name));
    }
    add(
        event,
        FeatureReport.PREFIX + "-live",
        Liveness.Literal.INSTANCE,
        () -> current().liveness());
    add(
        event,
        FeatureReport.PREFIX + "-started",
        Startup.Literal.INSTANCE,
        () -> current().startup());
  }

  void release(@Observes BeforeShutdown event) {
    ReportedChecks.release(this);
  }

  private static FeatureReport current() {
    return ReportedChecks.report()
        .orElseThrow(() -> new IllegalStateException("the Portcullis feature stopped"));
  }

  private static void add(
      AfterBeanDiscovery event, String name, Annotation kind, Supplier<Check> check) {
    event
        .addBean()
        .id(
            HealthExtension.class.getName()
                + "#"
                + kind.annotationType().getSimpleName()
                + "#"
                + name)
        .beanClass(ReportedCheck.class)
        .types(HealthCheck.class, Object.class)
        .qualifiers(kind, Any.Literal.INSTANCE)
        .scope(Dependent.class)
        .createWith(context -> new ReportedCheck(name, check));
  }
}
