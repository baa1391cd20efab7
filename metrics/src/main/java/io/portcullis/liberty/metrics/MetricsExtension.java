package io.portcullis.liberty.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedField;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * In the first application to start, finds the registry of scope {@value Publication#SCOPE} and
 * publishes the feature's metrics in it until that application stops; the next application to start
 * then takes over.
 *
 * <p>The registry is asked for through the application's own {@link BeanManager}: the beans of a
 * feature's CDI extension do not see the registry producer of {@code mpMetrics}, and an injection
 * point nothing satisfies would stop the application deploying. The producer reads the scope from
 * the injection point's annotations, so the request is made as {@link Target}'s field would be
 * injected. Whatever fails here leaves the application as it was, without the feature's metrics.
 */
public final class MetricsExtension implements Extension {
  private static final Logger LOG = Logger.getLogger(MetricsExtension.class.getName());

  /** What an injection of the registry of scope {@value Publication#SCOPE} looks like. */
  static final class Target {
    @RegistryScope(scope = Publication.SCOPE)
    MetricRegistry registry;
  }

  void start(@Observes AfterDeploymentValidation event) {
    MetricRegistry registry;
    try {
      BeanManager application = (BeanManager) new InitialContext().lookup("java:comp/BeanManager");
      AnnotatedField<? super Target> field =
          application.createAnnotatedType(Target.class).getFields().iterator().next();
      InjectionPoint point = application.createInjectionPoint(field);
      registry =
          (MetricRegistry)
              application.getInjectableReference(point, application.createCreationalContext(null));
    } catch (NamingException | RuntimeException e) {
      LOG.log(Level.FINE, "No MicroProfile Metrics registry for the Portcullis metrics here", e);
      return;
    }
    Publication.start(this, registry);
  }

  void stop(@Observes BeforeShutdown event) {
    Publication.stop(this);
  }
}
