#!/usr/bin/env bash
# Debian's Chromium for the browser tier (test/browser, driven by playwright-core with axe-core).
#
#   .ci/chromium.sh    install it with apt when it is missing; print the binary's path
#
# CI runs as root; elsewhere sudo -n is tried. Nothing is downloaded but Debian packages.
set -euo pipefail

find_chromium() { command -v chromium || command -v chromium-browser || true; }

bin="$(find_chromium)"
if [ -z "$bin" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    echo "Chromium is not installed and this user cannot install it: run 'apt-get install chromium' as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be missing or stale on a fresh machine; an update that fails (offline
  # mirror) is fine as long as the install then works.
  "${SUDO[@]}" apt-get install -y --no-install-recommends chromium >&2 || {
    "${SUDO[@]}" apt-get update >&2 || true
    "${SUDO[@]}" apt-get install -y --no-install-recommends chromium >&2
  }
  bin="$(find_chromium)"
fi
[ -n "$bin" ] || { echo "Chromium could not be installed" >&2; exit 1; }
"$bin" --version >&2
echo "$bin"
