package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.JoinToken;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca token}: a fresh join token for a registered workload. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Make a new one-time join token for a registered workload (the old one stops working),"
            + " e.g. after it lost its key.")
final class CaTokenCommand extends CaSupport {
  @CommandLine.Parameters(index = "0", description = "The workload's SPIFFE ID.")
  String spiffeId;

  @CommandLine.Option(
      names = "--token-ttl",
      defaultValue = "1h",
      description = "How long the token stays valid (default: ${DEFAULT-VALUE}).")
  String tokenTtl;

  @CommandLine.Option(names = "--token-out", description = "Write the token to this file (0600).")
  Path tokenOut;

  @Override
  int run() throws PortcullisException {
    hand(this, open().newJoinToken(spiffeId, duration("token ttl", tokenTtl), operator), tokenOut);
    return 0;
  }

  static void hand(CaSupport command, JoinToken token, Path file) throws PortcullisException {
    if (file != null) {
      write(file, token.token() + "\n", true);
      command.info(CaMessage.JOIN_TOKEN_WRITTEN, token.spiffeId(), token.expiresAt(), file);
    } else {
      command.info(
          CaMessage.JOIN_TOKEN_WRITTEN, token.spiffeId(), token.expiresAt(), "standard output");
      command.out().println(token.token());
    }
  }
}
