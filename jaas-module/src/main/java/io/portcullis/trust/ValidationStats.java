package io.portcullis.trust;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What the validators built over one configuration did, for metrics, kept across reloads: how often
 * a presented chain was answered from the cache of accepted chains and how often it was not, and
 * how long each full validation took.
 *
 * <p>The cached path counts nothing here. Every request the interceptor decides is counted anyway
 * (accepted, or refused by ID), so a hit is worked out: the decisions, less those made without
 * asking a validator ({@link #refusedUnasked}), less the validations not answered from the cache
 * ({@link #misses}). Only a validation that is not a hit is counted, and only a full one is timed:
 * both cost a signature check or more.
 */
public final class ValidationStats {
  private final LongAdder misses = new LongAdder();
  private final LongAdder unasked = new LongAdder();
  private final AtomicLong hitsReported = new AtomicLong();
  private volatile LongConsumer durations = nanos -> {};

  void missed() {
    misses.increment();
  }

  void validated(long nanos) {
    misses.increment();
    durations.accept(nanos);
  }

  /** A request was refused before any validator was asked: no certificate, no configuration. */
  public void refusedUnasked() {
    unasked.increment();
  }

  /** Validations not answered from the cache: validated in full, or refused on sight. */
  public long misses() {
    return misses.sum();
  }

  /**
   * Validations answered from the cache, given {@code decisions}, every request decided so far
   * (read before this call). Never less than an earlier answer: counts made on other threads show
   * in the sums a moment apart, and a count that went down would read as a restart.
   */
  public long hits(long decisions) {
    long hits = Math.max(0, decisions - unasked.sum() - misses.sum());
    return hitsReported.accumulateAndGet(hits, Math::max);
  }

  /**
   * Hands each later full validation's duration in nanoseconds to {@code sink}, in place of the
   * previous sink. It runs on the request thread, so it must be quick and must not throw.
   */
  public void recordDurations(LongConsumer sink) {
    durations = Objects.requireNonNull(sink, "sink");
  }
}
