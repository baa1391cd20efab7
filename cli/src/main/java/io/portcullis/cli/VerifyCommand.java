package io.portcullis.cli;

import io.portcullis.config.ConfigParser;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.PublicSuffixes;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis verify --batch FILE [--policy FILE]}: JSON lines in, JSON lines out. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Validate certificate chains in bulk: one JSON object per input line, one JSON line out per"
          + " input, in order (see DESIGN.md, 'The batch verify interface').",
      "Without --policy only the standards apply (RFC 5280 path and profile, EKU, name check).",
      "--web-pki adds the CA/Browser Forum rules for public TLS certificates (docs/policy.md)."
    })
public final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--batch",
      required = true,
      paramLabel = "FILE",
      description = "JSON lines to verify; '-' reads standard input.")
  Path batch;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "Deployment policy as properties: portcullis.policy.* floors, optionally"
              + " portcullis.area.* areas (then the lines' trustAnchors are ignored).")
  Path policy;

  @Option(
      names = "--web-pki",
      description =
          "Also apply the web PKI profile: the CA/Browser Forum rules for public TLS"
              + " certificates. Never applied by the server feature.")
  boolean webPki;

  @Option(
      names = "--public-suffixes",
      paramLabel = "FILE",
      description =
          "The public suffix list the web PKI profile checks wildcards against"
              + " (default: ${DEFAULT-VALUE}).")
  Path publicSuffixes = PublicSuffixes.SYSTEM_LIST;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BatchVerifier verifier;
    try {
      verifier = verifier();
    } catch (PortcullisException e) {
      err.println(e.getMessage());
      return 2;
    }
    try (BufferedReader in =
        batch.toString().equals("-")
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(batch, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        out.println(verifier.verify(line, number));
        out.flush();
      }
      return 0;
    } catch (IOException e) {
      err.println(CoreMessage.FILE_UNREADABLE.format(batch, e.toString()));
      return 2;
    }
  }

  private BatchVerifier verifier() throws PortcullisException {
    PublicSuffixes suffixes = webPki ? PublicSuffixes.read(publicSuffixes) : null;
    if (policy == null) {
      return new BatchVerifier(TrustPolicy.standards().withWebPki(suffixes), List.of());
    }
    Map<String, String> properties = WhoisCommand.properties(policy);
    PortcullisConfig config = ConfigParser.parse(properties, baseDir(policy), Clock.systemUTC());
    List<TrustArea> areas = new ArrayList<>();
    for (TrustArea area : config.areas()) {
      areas.add(area.withPolicy(area.policy().withWebPki(suffixes)));
    }
    return new BatchVerifier(ConfigParser.parsePolicy(properties).withWebPki(suffixes), areas);
  }

  static Path baseDir(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of("") : parent;
  }
}
