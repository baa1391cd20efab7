package io.portcullis.liberty.health;

import io.portcullis.liberty.report.Check;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** One of the feature's checks as MicroProfile Health calls it: judged afresh at every call. */
final class ReportedCheck implements HealthCheck {
  private final String name;
  private final Supplier<Check> check;

  ReportedCheck(String name, Supplier<Check> check) {
    this.name = name;
    this.check = check;
  }

  @Override
  public HealthCheckResponse call() {
    Check answer;
    try {
      answer = check.get();
    } catch (RuntimeException e) {
      // Fail closed: a check that cannot be judged is DOWN, and says it could not be judged.
      return HealthCheckResponse.named(name)
          .down()
          .withData("error", e.getClass().getSimpleName())
          .build();
    }
    HealthCheckResponseBuilder response = HealthCheckResponse.named(answer.name());
    response = answer.up() ? response.up() : response.down();
    for (Map.Entry<String, String> entry : answer.data().entrySet()) {
      response = response.withData(entry.getKey(), entry.getValue());
    }
    return response.build();
  }
}
