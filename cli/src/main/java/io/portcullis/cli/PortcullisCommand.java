package io.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code portcullis} command line: {@code java -jar cli/target/portcullis.jar --help}. */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    version = "portcullis 0.1.0",
    description = "mTLS everywhere for Open Liberty: private CA, trust checks and dev PKI.",
    subcommands = {
      DevPkiCommand.class,
      VerifyCommand.class,
      WhoisCommand.class,
      KeyCommand.class,
      CaCommand.class
    })
public final class PortcullisCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PortcullisCommand()).execute(args));
  }
}
