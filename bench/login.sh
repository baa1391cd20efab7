#!/usr/bin/env bash
# Portcullis beside Liberty's built-in certificate login, one command (issue 40). Builds what it
# runs, assembles Open Liberty from the Maven registry, installs usr:portcullis-1.0, then runs
# LoginBench: two servers from the same runtime and sample app, A-B-B-A, fresh starts, warm-up,
# keep-alive windows with 1/4/16 threads, full handshakes, refused requests and handshakes, and
# (first run of each) the heap before and after 1,000,000 requests from 10,000 client
# certificates; first, the OpenSSL limit (speed, s_server + s_time). Loopback only, bounded in time.
#   bench/login.sh [LIBERTY_JAVA_HOME] [WARMUP_SECONDS] [WINDOW_SECONDS]
# Prints a Markdown section for bench/RESULTS.md at the end (also in target/bench-login/result.md).
set -euo pipefail
cd "$(dirname "$0")/.."
java_home=${1:-/usr/lib/jvm/java-17-openjdk-amd64}
warmup=${2:-180}
window=${3:-30}
liberty_version=$(sed -n 's:.*<liberty.runtime.version>\(.*\)</liberty.runtime.version>.*:\1:p' pom.xml)
work=$(pwd)/target/bench-login
mvn -B -q -DskipTests -Dspotbugs.skip=true -Djacoco.skip=true \
  -pl bench,extension,sample-app -am install
rm -rf "$work"; mkdir -p "$work"
mvn -B -q dependency:copy -Dartifact="io.openliberty:openliberty-runtime:$liberty_version:zip" \
  -DoutputDirectory="$work"
unzip -q -o "$work/openliberty-runtime-$liberty_version.zip" -d "$work"
wlp=$work/wlp
mkdir -p "$wlp/usr/extension/lib/features"
unzip -q -p extension/target/portcullis-1.0.esa OSGI-INF/SUBSYSTEM.MF \
  > "$wlp/usr/extension/lib/features/portcullis-1.0.mf"
unzip -q -o extension/target/portcullis-1.0.esa '*.jar' -d "$wlp/usr/extension/lib"
# BENCH_JFR=DIR records a Flight Recorder profile of every server run into DIR.
# BENCH_OPTS passes system properties to LoginBench, e.g. "-Dbench.callers=1000
# -Dbench.callerRequests=100000" for a shorter memory run, or -Dbench.callerRequests=0 for none.
# shellcheck disable=SC2086 # BENCH_OPTS is a list of options
java ${BENCH_JFR:+-Dbench.jfr=$BENCH_JFR} ${BENCH_OPTS:-} -cp bench/target/benchmarks.jar io.portcullis.bench.LoginBench \
  "$wlp" "$work" "$java_home" "$warmup" "$window" sample-app/target/portcullis-sample.war \
  | tee "$work/run.log"
sed -n '/^## Portcullis beside/,$p' "$work/run.log" > "$work/result.md"
