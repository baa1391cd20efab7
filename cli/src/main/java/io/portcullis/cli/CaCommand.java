package io.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca}: the private CA. See docs/ca.md for the ceremony and operations. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = {
      "The Portcullis private CA: offline root, per-area intermediates, vetted workloads.",
      "Only 'init', 'area create', 'area retire', 'crl --root', 'root next' and 'root activate'"
          + " need a root key."
    },
    subcommands = {
      CaInitCommand.class,
      CaAreaCommand.class,
      CaRegisterCommand.class,
      CaTokenCommand.class,
      CaIssueCommand.class,
      CaRenewCommand.class,
      CaRevokeCommand.class,
      CaCrlCommand.class,
      CaRootCommand.class,
      CaLineageCommand.class,
      CaAuditCommand.class,
      CaStatusCommand.class,
      CaServeCommand.class
    })
public final class CaCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
