#!/usr/bin/env bash
# The enforcer floor for Bouncy Castle holds: a project under the parent pom that asks for an
# older Bouncy Castle fails to build, with the rule's message.
set -euo pipefail
cd "$(dirname "$0")/.."
if out=$(mvn -B -f .build/bc-floor-fixture/pom.xml validate 2>&1); then
  echo "BC floor NOT enforced: a project with bcprov-jdk18on 1.80 validated" >&2
  exit 1
fi
if ! grep -q 'Bouncy Castle older than' <<<"$out"; then
  echo "BC floor check: the fixture failed, but not on the Bouncy Castle rule:" >&2
  echo "$out" | grep -E 'ERROR|WARN' >&2 || true
  exit 1
fi
echo "BC floor enforced: bcprov-jdk18on 1.80 refused"
