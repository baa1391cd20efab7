#!/usr/bin/env python3
"""Compares two JMH benchmarks in paired, interleaved forks (A B B A A B B A ...).

This machine's forks of one benchmark spread by 10-20% and drift over minutes, more than the
few-percent effects worth measuring; consecutive forks of two benchmarks drift together, so the
ratio of each pair holds where the absolute numbers do not.

  bench/paired-jmh.py BASELINE CANDIDATE [ROUNDS]   (default 12 rounds, ~4 s per fork)

Prints each pair's ratio, the median ratio and a bootstrap 95% interval of the mean ratio.
"""
import json
import random
import statistics
import subprocess
import sys
import tempfile

JAR = "bench/target/benchmarks.jar"


def fork(benchmark):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            ["java", "-jar", JAR, "TrustBenchmark." + benchmark + "$", "-f", "1", "-wi", "3",
             "-w", "1s", "-i", "3", "-r", "1s", "-bm", "avgt", "-tu", "ns",
             "-rf", "json", "-rff", out.name],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(open(out.name))[0]["primaryMetric"]["score"]


def main():
    baseline, candidate = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    ratios = []
    for i in range(rounds):
        order = [baseline, candidate] if i % 2 == 0 else [candidate, baseline]
        scores = {name: fork(name) for name in order}
        ratios.append(scores[candidate] / scores[baseline])
        print("pair %2d: %s %.1f ns, %s %.1f ns, ratio %.3f"
              % (i + 1, baseline, scores[baseline], candidate, scores[candidate], ratios[-1]),
              flush=True)
    random.seed(1)
    means = sorted(statistics.mean(random.choices(ratios, k=len(ratios))) for _ in range(10000))
    print("median ratio %.3f, mean %.3f, 95%% interval of the mean %.3f-%.3f (%d pairs)"
          % (statistics.median(ratios), statistics.mean(ratios), means[250], means[9750],
             len(ratios)))


if __name__ == "__main__":
    main()
