package io.portcullis.liberty.health;

import io.openliberty.cdi.spi.CDIExtensionMetadata;
import io.portcullis.liberty.report.FeatureReport;
import jakarta.enterprise.inject.spi.Extension;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Tells Liberty's CDI to run {@link HealthExtension} in every application, once the feature's
 * report is there to read from.
 */
@Component(service = CDIExtensionMetadata.class, immediate = true)
public final class HealthMetadata implements CDIExtensionMetadata {
  @Reference private FeatureReport report;

  @Activate
  void activate() {
    ReportedChecks.use(report);
  }

  @Deactivate
  void deactivate() {
    ReportedChecks.use(null);
  }

  @Override
  public Set<Class<? extends Extension>> getExtensions() {
    return Set.of(HealthExtension.class);
  }
}
