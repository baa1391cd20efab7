package io.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis key}: keys inside a PKCS#11 token or a TPM. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Generate keys inside a PKCS#11 token or TPM and store their certificates.",
    subcommands = {KeyGenerateCommand.class, KeyImportCertCommand.class})
public final class KeyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
