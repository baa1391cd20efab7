package io.portcullis.liberty.metrics;

import io.openliberty.cdi.spi.CDIExtensionMetadata;
import io.portcullis.liberty.report.FeatureMetrics;
import jakarta.enterprise.inject.spi.Extension;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Tells Liberty's CDI to add {@link MetricsExtension} to every application, once the feature's
 * metrics are there to read from.
 */
@Component(service = CDIExtensionMetadata.class, immediate = true)
public final class MetricsMetadata implements CDIExtensionMetadata {
  @Reference private FeatureMetrics metrics;

  @Activate
  void activate() {
    Publication.use(metrics);
  }

  @Deactivate
  void deactivate() {
    Publication.use(null);
  }

  @Override
  public Set<Class<? extends Extension>> getExtensions() {
    return Set.of(MetricsExtension.class);
  }
}
