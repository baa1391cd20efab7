#!/usr/bin/env bash
# Rotation benchmark of issue 13: a real Liberty server renews its HTTPS certificate 100 times
# (10 s certificates, the Portcullis CA in process) under eight clients; prints failed requests,
# issuance-to-first-handshake percentiles and the throughput ratio rotating / steady, and writes
# them to arquillian-tests/target/rotation-bench.md. About 10 minutes. Usage: bench/rotation.sh
# Needs the packages of .ci/install-packages.sh (the test module prepares a SoftHSM2 token).
set -euo pipefail
cd "$(dirname "$0")/.."
pkill -f 'ws-server.jar portcullis-bench-rotation' 2>/dev/null || true
mvn -B -q install -DskipTests -DskipITs -Dspotbugs.skip
mvn -B verify -pl arquillian-tests -Dit.test=RotationBench -Dspotbugs.skip \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
cat arquillian-tests/target/rotation-bench.md
