package io.portcullis.bench;

import io.portcullis.Tally;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What one count costs on a request thread: {@link Tally} (a slot of the thread's own) against an
 * uncontended {@link LongAdder} (a locked compare-and-swap), for the metrics on the hot path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CountBenchmark {
  private final Tally tally = new Tally();
  private final LongAdder adder = new LongAdder();

  /** The harness alone: what a benchmark method that does nothing costs. */
  @Benchmark
  public void nothing() {}

  /** A count in the thread's own slot. */
  @Benchmark
  public void tally() {
    tally.increment();
  }

  /** The baseline: an uncontended {@link LongAdder}. */
  @Benchmark
  public void longAdder() {
    adder.increment();
  }
}
