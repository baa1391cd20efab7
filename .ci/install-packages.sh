#!/usr/bin/env bash
# Installs the OS packages the test suite needs, only those missing. Idempotent; needs root
# (or sudo) on Debian. The tests start SoftHSM2, swtpm (+ tpm2-abrmd on a private D-Bus)
# and pebble themselves, in temp directories: nothing here starts a daemon.
set -euo pipefail

packages=(
  unzip openssl curl
  softhsm2 opensc
  swtpm swtpm-tools tpm2-tools libtpm2-pkcs11-1 libtpm2-pkcs11-tools
  tpm2-abrmd libtss2-tcti-tabrmd0 dbus
  pebble
  publicsuffix
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-packages: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-packages: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
