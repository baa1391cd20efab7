#!/usr/bin/env bash
# Two clean builds of the same sources must give byte-identical portcullis-1.0.esa,
# portcullisHealth-1.0.esa, portcullisMetrics-1.0.esa and portcullis.jar. Copies the working tree (without target/ and .git) to two fresh directories
# at different paths, packages the shipped modules in each, and compares SHA-256.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-repro.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=(extension/target/portcullis-1.0.esa health/target/portcullisHealth-1.0.esa
  metrics/target/portcullisMetrics-1.0.esa cli/target/portcullis.jar)
for build in first second; do
  mkdir -p "$work/$build"
  tar --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -C "$work/$build" -xf -
  echo "reproducibility: $build build in $work/$build"
  (cd "$work/$build" && mvn -B -q package -pl cli,extension,health,metrics -am \
    -DskipTests -Dspotless.check.skip=true -Dspotbugs.skip=true -Djacoco.skip=true \
    -Dcyclonedx.skip=true)
done
status=0
for artifact in "${artifacts[@]}"; do
  first=$(sha256sum "$work/first/$artifact" | cut -d' ' -f1)
  second=$(sha256sum "$work/second/$artifact" | cut -d' ' -f1)
  if [[ "$first" == "$second" ]]; then
    echo "reproducible: $artifact $first"
  else
    echo "NOT reproducible: $artifact $first != $second" >&2
    status=1
  fi
done
exit "$status"
