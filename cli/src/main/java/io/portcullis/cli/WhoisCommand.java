package io.portcullis.cli;

import io.portcullis.config.CertificateFiles;
import io.portcullis.config.ConfigParser;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.ServerXmlFlattener;
import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustDecision;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis whois CERT.pem --config FILE}: what Portcullis would make of a certificate —
 * its identity, the trust decision, the rules that match and the roles it gets.
 */
@Command(
    name = "whois",
    mixinStandardHelpOptions = true,
    description = {
      "Show the identity, trust decision, matched rules and roles Portcullis gives a certificate.",
      "Exit code 0 authenticated, 1 refused, 2 error."
    })
public final class WhoisCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "CERT.pem",
      description = "The leaf (followed by its intermediates, if any).")
  Path certificate;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A portcullis.* properties file or a server.xml with a <portcullis> element; repeat to"
              + " combine (later files win).")
  List<Path> configs = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Map<String, String> properties = new LinkedHashMap<>();
      Path baseDir = Path.of("");
      for (Path config : configs) {
        properties.putAll(properties(config));
        baseDir = VerifyCommand.baseDir(config);
      }
      PortcullisConfig config = ConfigParser.parse(properties, baseDir, Clock.systemUTC());
      config.warnings().forEach(err::println);
      List<X509Certificate> chain = CertificateFiles.read(certificate);
      TrustDecision decision =
          config.areas().isEmpty()
              ? TrustDecision.reject(CoreMessage.NO_TRUST_AREA)
              : config.newValidator(Clock.systemUTC()).validate(chain, Purpose.CLIENT);
      String area = decision instanceof TrustDecision.Accepted accepted ? accepted.area() : "";
      WorkloadIdentity identity = IdentityReader.read(chain.get(0)).inArea(area);
      out.println("identity");
      out.println("  principal:  " + identity.principalName());
      out.println("  spiffeId:   " + identity.spiffeId().map(Object::toString).orElse("-"));
      out.println("  uriSans:    " + identity.uriSans());
      out.println("  dnsSans:    " + identity.dnsSans());
      out.println("  subject:    " + identity.subjectDn());
      out.println("  serial:     " + identity.serialHex());
      out.println("  validity:   " + identity.notBefore() + " .. " + identity.notAfter());
      out.println("  sha256:     " + identity.sha256());
      out.println(
          "trust:        "
              + (decision.accepted()
                  ? "ACCEPT (area " + area + ")"
                  : "REJECT " + decision.explain()));
      RoleRules.Evaluation evaluation = config.rules().evaluate(identity);
      out.println("rules:");
      if (evaluation.matched().isEmpty()) {
        out.println("  (no rule matches)");
      }
      for (RoleRule rule : evaluation.matched()) {
        out.println("  matched     " + rule);
      }
      evaluation.deniedBy().ifPresent(rule -> out.println("  denied by   " + rule.name()));
      out.println("roles:        " + evaluation.groups());
      if (decision instanceof TrustDecision.Rejected rejected) {
        out.println("outcome:      REFUSED " + rejected.messageId());
        return 1;
      }
      if (evaluation.deniedBy().isPresent()) {
        out.println("outcome:      REFUSED PRTC0205E");
        return 1;
      }
      if (!evaluation.granted() && config.refuseUnmatched()) {
        out.println("outcome:      REFUSED PRTC0204E");
        return 1;
      }
      out.println("outcome:      AUTHENTICATED");
      return 0;
    } catch (PortcullisException e) {
      err.println(e.getMessage());
      return 2;
    }
  }

  /** Reads a properties file, or flattens a server.xml (a file ending in .xml). */
  static Map<String, String> properties(Path file) throws PortcullisException {
    Path fileName = file.getFileName();
    if (fileName != null && fileName.toString().endsWith(".xml")) {
      return ServerXmlFlattener.flatten(file);
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw CoreMessage.FILE_UNREADABLE.causedBy(e, file, e.toString());
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }
}
