#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (InfluxDB 1.x for storage tests, Chromium for the browser tests).
# Idempotent: does nothing when they are present; one `apt-get update` only when something is missing.
set -euo pipefail
need=()
command -v influxd >/dev/null 2>&1 || need+=(influxdb influxdb-client)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}" >&2
apt-get -o DPkg::Lock::Timeout=300 update -qq
# policy-rc.d on these images keeps the packaged influxd from starting; tests start their own on loopback.
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" >/dev/null
