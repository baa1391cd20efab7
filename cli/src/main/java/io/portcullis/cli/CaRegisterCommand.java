package io.portcullis.cli;

import io.portcullis.ca.JoinToken;
import io.portcullis.ca.Usage;
import io.portcullis.ca.WorkloadRegistration;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca register}: vet a workload and make its one-time join token. */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description =
        "Record a vetted workload before its first certificate; prints a one-time, expiring join"
            + " token.")
final class CaRegisterCommand extends CaSupport {
  @CommandLine.Option(names = "--area", required = true, description = "The workload's area.")
  String area;

  @CommandLine.Option(names = "--spiffe-id", required = true, description = "Its SPIFFE ID.")
  String spiffeId;

  @CommandLine.Option(names = "--dns", description = "A DNS name it may have (repeatable).")
  List<String> dns = new ArrayList<>();

  @CommandLine.Option(
      names = "--key-type",
      defaultValue = "P-256",
      description = "The key type its CSRs must use (default: ${DEFAULT-VALUE}).")
  String keyType;

  @CommandLine.Option(
      names = "--max-lifetime",
      required = true,
      description = "Its longest certificate lifetime (at most the area's), e.g. 24h.")
  String maxLifetime;

  @CommandLine.Option(
      names = "--usage",
      split = ",",
      defaultValue = "server,client",
      description = "server, client or both (default: ${DEFAULT-VALUE}).")
  List<String> usages = new ArrayList<>();

  @CommandLine.Option(
      names = "--approved-by",
      required = true,
      description = "Who vetted the workload (recorded in the registration and audit log).")
  String approvedBy;

  @CommandLine.Option(
      names = "--token-ttl",
      defaultValue = "1h",
      description = "How long the join token stays valid (default: ${DEFAULT-VALUE}).")
  String tokenTtl;

  @CommandLine.Option(
      names = "--token-out",
      description = "Write the token to this file (0600) instead of standard output.")
  Path tokenOut;

  @Override
  int run() throws PortcullisException {
    Set<Usage> parsed = EnumSet.noneOf(Usage.class);
    for (String usage : usages) {
      parsed.add(Usage.parse(usage));
    }
    JoinToken token =
        open()
            .register(
                new WorkloadRegistration(
                    area,
                    spiffeId,
                    dns,
                    KeyType.parse(keyType),
                    duration("max lifetime", maxLifetime),
                    parsed,
                    approvedBy,
                    duration("token ttl", tokenTtl)),
                operator);
    CaTokenCommand.hand(this, token, tokenOut);
    return 0;
  }
}
