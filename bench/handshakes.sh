#!/usr/bin/env bash
# Full mTLS handshakes/s on a real Liberty server with the server key in a PKCS#12 file, a
# SoftHSM2 token and swtpm, in one run (A-B-C-C-B-A). Usage:
#   bench/handshakes.sh [LIBERTY_JAVA_HOME] [WARMUP_SECONDS] [WINDOW_SECONDS]
# Needs a built tree (mvn install -DskipTests) and the packages of .ci/install-packages.sh.
# Bounded: every loop runs for the given seconds against 127.0.0.1 only, then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
java_home=${1:-/usr/lib/jvm/java-17-openjdk-amd64}
warmup=${2:-60}
window=${3:-20}
liberty_version=$(sed -n 's:.*<liberty.runtime.version>\(.*\)</liberty.runtime.version>.*:\1:p' pom.xml)
work=$(pwd)/target/bench-handshakes
rm -rf "$work"; mkdir -p "$work"
mvn -B -q dependency:copy -Dartifact="io.openliberty:openliberty-runtime:$liberty_version:zip" -DoutputDirectory="$work"
unzip -q -o "$work/openliberty-runtime-$liberty_version.zip" -d "$work"

export SOFTHSM2_CONF=$work/softhsm/softhsm2.conf
export TPM2_PKCS11_STORE=$work/tpm-store
export TPM2_PKCS11_TCTI=tabrmd:bus_type=session
export TPM2_PKCS11_LOG_LEVEL=0
export DBUS_SESSION_BUS_ADDRESS=unix:path=$work/bus
java -cp bench/target/benchmarks.jar io.portcullis.bench.LibertyHandshakeBench \
  "$work/wlp" "$work" "$java_home" "$warmup" "$window"
