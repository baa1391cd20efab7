package io.portcullis.renewal;

/**
 * What keeps one key source's credential current while the server runs: the {@link RenewalAgent}
 * that renews it from an issuer, or the {@link FileWatchAgent} that takes what an outside manager
 * writes. Started after the configuration is published; closed when it is replaced.
 */
public interface CredentialAgent extends AutoCloseable {
  /** Starts watching or scheduling; never throws (problems are logged with their IDs). */
  void start();

  /** What the agent has done so far; never waits for an attempt in flight. */
  RenewalStatus status();

  @Override
  void close();
}
