package io.portcullis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * CPU time per issuance, which on a shared machine is steadier than JMH's wall-clock rate: the same
 * setup as {@link CaIssuanceBenchmark}, timed with the thread's CPU clock. {@code java -cp
 * bench/target/benchmarks.jar io.portcullis.bench.CaIssuanceCpu [iterations]}.
 */
public final class CaIssuanceCpu {
  private CaIssuanceCpu() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String provider : new String[] {"BC", "JDK"}) {
      CaIssuanceBenchmark bench = new CaIssuanceBenchmark();
      bench.provider = provider;
      bench.setUp();
      CaIssuanceBenchmark.Cursor cursor = new CaIssuanceBenchmark.Cursor();
      try {
        for (int round = 0; round < 3; round++) {
          // Round 0 warms the JIT; rounds 1 and 2 are reported.
          long start = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < iterations; i++) {
            bench.verifyCsrOnly(cursor);
          }
          long verify = (threads.getCurrentThreadCpuTime() - start) / iterations;
          start = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < iterations; i++) {
            bench.issueFromCsr(cursor);
          }
          long issue = (threads.getCurrentThreadCpuTime() - start) / iterations;
          if (round > 0) {
            System.out.printf(
                Locale.ROOT,
                "%-3s round %d: CSR verify %6.1f us CPU, issue from CSR %6.1f us CPU"
                    + " = %5.0f/s per core, %5.0f/s on 2 cores%n",
                provider,
                round,
                verify / 1000.0,
                issue / 1000.0,
                1e9 / issue,
                2e9 / issue);
          }
        }
      } finally {
        bench.tearDown();
      }
    }
  }
}
