#!/usr/bin/env bash
# Rotation benchmark of issue 13: a real Liberty server renews its HTTPS certificate (12 s
# certificates, the Portcullis CA in process) under eight clients, once with a PKCS#12 key and once
# with a new SoftHSM2 key per renewal. Steady and rotating windows alternate on the same server
# until 100 renewals fell into rotating ones. Prints failed requests, issuance-to-first-handshake
# percentiles and the throughput ratio rotating / steady, and writes them to
# arquillian-tests/target/rotation-bench.md. About 15 minutes. Usage: bench/rotation.sh
# Needs the packages of .ci/install-packages.sh (the test module prepares a SoftHSM2 token).
set -euo pipefail
cd "$(dirname "$0")/.."
pkill -f 'ws-server.jar portcullis-bench-rotation' 2>/dev/null || true
mvn -B -q install -DskipTests -DskipITs -Dspotbugs.skip
rm -f arquillian-tests/target/rotation-bench.md
mvn -B verify -pl arquillian-tests -Dit.test=RotationBench -Dspotbugs.skip \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
cat arquillian-tests/target/rotation-bench.md
