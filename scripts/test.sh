#!/usr/bin/env bash
# Runs every test: unit tests, the real Liberty server end to end, SoftHSM2 / swtpm / pebble
# where the suites need them. Installs missing OS packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/install-packages.sh
# Leave no Liberty test server of an earlier, interrupted run holding the test ports.
pkill -f 'ws-server.jar portcullis-it' 2>/dev/null || true
mvn -B clean verify "$@"
# The build refuses a Bouncy Castle older than the pinned one.
./scripts/check-bc-floor.sh
# Two clean builds of this tree give the same ESA and CLI jar, byte for byte.
./scripts/check-reproducible.sh
