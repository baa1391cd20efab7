package io.portcullis.config;

import io.portcullis.auth.CertificateAuthenticator;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.DenyList;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.ValidationStats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;

/**
 * Everything the identity path needs, parsed from configuration by {@link ConfigParser}.
 *
 * @param areas trust areas in order (sorted by name)
 * @param rules role rules (sorted by order, then name)
 * @param refuseUnmatched refuse trusted callers no grant rule matches
 * @param denyList the deny-list (inline entries, or loaded from {@code denyListFile})
 * @param denyListFile a deny-list file watched for changes, if configured
 * @param cacheSize how many accepted chains the validator remembers
 * @param refusalLogInterval how long a refusal reason stays quiet in the log after its line
 * @param warnings what the configuration holds that it works without but that is likely wrong (a
 *     grant rule naming an area that does not exist, {@code PRTC0710W}), formatted with their IDs
 *     for the adapter to log
 */
public record PortcullisConfig(
    List<TrustArea> areas,
    RoleRules rules,
    boolean refuseUnmatched,
    DenyList denyList,
    Optional<Path> denyListFile,
    int cacheSize,
    Duration refusalLogInterval,
    List<String> warnings) {

  /** How often background work looks for due CRL refreshes and deny-list file changes. */
  public static final Duration BACKGROUND_TICK = Duration.ofSeconds(5);

  public PortcullisConfig {
    areas = List.copyOf(areas);
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(denyList, "denyList");
    Objects.requireNonNull(denyListFile, "denyListFile");
    Objects.requireNonNull(refusalLogInterval, "refusalLogInterval");
    warnings = List.copyOf(warnings);
  }

  /** A validator over this configuration's areas, deny-list and cache size. */
  public PkixTrustValidator newValidator(Clock clock) {
    return new PkixTrustValidator(areas, clock, denyList, cacheSize);
  }

  /** An authenticator over {@link #newValidator} and this configuration's rules. */
  public CertificateAuthenticator newAuthenticator(Clock clock) {
    return new CertificateAuthenticator(newValidator(clock), rules, refuseUnmatched);
  }

  /**
   * An authenticator over this configuration's areas, deny-list, cache size and rules, counting its
   * validator's cache hits and full validations into {@code stats}.
   */
  public CertificateAuthenticator newAuthenticator(Clock clock, ValidationStats stats) {
    return new CertificateAuthenticator(
        new PkixTrustValidator(
            areas, clock, denyList, cacheSize, PkixTrustValidator.DEFAULT_MEMO_SIZE, stats),
        rules,
        refuseUnmatched,
        stats,
        cacheSize);
  }

  /**
   * Starts refreshing every area's CRLs and watching the deny-list file on {@code executor}. Cancel
   * the returned futures (or shut the executor down) to stop.
   */
  public List<ScheduledFuture<?>> startBackground(ScheduledExecutorService executor) {
    List<ScheduledFuture<?>> futures = new ArrayList<>();
    for (TrustArea area : areas) {
      if (area.revocation().mode() != RevocationMode.OFF) {
        futures.add(area.revocation().crls().refreshInBackground(executor, BACKGROUND_TICK));
      }
    }
    denyListFile.ifPresent(file -> futures.add(denyList.watch(file, executor, BACKGROUND_TICK)));
    return futures;
  }
}
