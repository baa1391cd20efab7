package io.portcullis.cli;

import io.portcullis.devpki.DevPki;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis dev-pki --out DIR}: writes a throw-away PKI for the demo and tests. */
@Command(
    name = "dev-pki",
    mixinStandardHelpOptions = true,
    description =
        "Write a throw-away dev PKI (root, area 'dev', localhost server keystore, trust store and"
            + " client certificates reader, writer, stranger). Development only.")
public final class DevPkiCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "Directory to write the PKI into.")
  Path out;

  @Option(
      names = "--trust-domain",
      defaultValue = "demo.portcullis.dev",
      description = "SPIFFE trust domain of the client identities (default: ${DEFAULT-VALUE}).")
  String trustDomain;

  @Override
  public Integer call() throws Exception {
    new DevPki(Clock.systemUTC(), new SecureRandom())
        .generate(out, trustDomain, DevPki.demoClients());
    System.out.println("Dev PKI written to " + out.toAbsolutePath());
    return 0;
  }
}
