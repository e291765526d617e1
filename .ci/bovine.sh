#!/usr/bin/env bash
# bovine-herd (an independent ActivityPub server in Python, from PyPI) for the interop test
# test/interop/bovine.test.ts.
#
#   .ci/bovine.sh build    create .ci/cache/bovine-venv if missing or out of date; print its python
#
# Versions are pinned in test/interop/bovine/requirements.txt; the venv remembers the hash of that
# file and is rebuilt when it changes. Needs Python >= 3.11 and pip access to PyPI (or the mirror
# pip is configured for). Nothing built here is committed: .ci/cache/ is gitignored.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.ci/cache"
VENV="$CACHE/bovine-venv"
REQUIREMENTS="$ROOT/test/interop/bovine/requirements.txt"

log() { printf 'bovine.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The first interpreter that is Python 3.11 or newer (bovine-herd 0.5 requires it).
find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null \
      && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

build() {
  local want
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.requirements-sha256" 2>/dev/null)" = "$want" ]; then return 0; fi
  mkdir -p "$CACHE"
  # Lock: two test processes may build at the same time.
  exec 9>"$CACHE/bovine.build.lock"
  flock 9
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.requirements-sha256" 2>/dev/null)" = "$want" ]; then return 0; fi
  local python
  python="$(find_python)" || die "Python 3.11 or newer (with venv) is needed for bovine-herd"
  log "building $VENV with $("$python" --version) (about 1 min on a fresh machine)"
  # Built in place (a venv's scripts name their own path); the hash file, written last, marks it complete.
  rm -rf "$VENV"
  "$python" -m venv "$VENV" >&2
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      --requirement "$REQUIREMENTS" >&2; then
    rm -rf "$VENV"
    die "pip install failed"
  fi
  # Importing bovine creates its JSON-LD cache file in the working directory: import in a scratch one.
  local scratch
  scratch="$(mktemp -d)"
  (cd "$scratch" && "$VENV/bin/python" -c 'import bovine_herd, hypercorn') || { rm -rf "$scratch"; die "bovine_herd does not import"; }
  rm -rf "$scratch"
  printf '%s' "$want" >"$VENV/.requirements-sha256"
  flock -u 9
}

case "${1:-}" in
  build) build; echo "$VENV/bin/python" ;;
  *) die "usage: $0 build" ;;
esac
