#!/bin/sh
# Installs the native tools the keysource tests start for themselves: SoftHSM2 (a PKCS#11
# token), swtpm (a software TPM 2.0), tpm2-abrmd (the resource manager tpm2-pkcs11 needs; it
# runs on a private session D-Bus), tpm2-pkcs11 and its tpm2_ptool, and dbus-daemon.
# Idempotent: installs only the packages that are missing, so a warm CI image is untouched.
set -eu

PACKAGES="softhsm2 opensc swtpm swtpm-tools tpm2-tools libtpm2-pkcs11-1 libtpm2-pkcs11-tools \
tpm2-abrmd libtss2-tcti-tabrmd0 dbus"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-packages: all present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "install-packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
