#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium and chromedriver (viewer browser tests),
# PostgreSQL and Redis (the collector's production store and live-tail fan-out). The tests start their own throwaway
# servers from these binaries on free loopback ports, so nothing has to be running beforehand.
# Usage: scripts/install-test-deps.sh   (root or sudo; a no-op when everything is already installed)
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies present: chromium, chromedriver, redis-server, postgresql"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "installing: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
