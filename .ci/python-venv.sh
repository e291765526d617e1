#!/usr/bin/env bash
# Builds a Python venv from a pinned requirements file into .ci/cache/<name>, shared by the test tools
# installed from PyPI (.ci/bovine.sh, .ci/schemathesis.sh). Source it and call:
#
#   build_venv NAME REQUIREMENTS CHECK...   # CHECK: a command run in a scratch directory with the venv's bin first on PATH
#
# The venv remembers the hash of its requirements file and is rebuilt when it changes. Needs Python >=
# 3.11 and pip access to PyPI (or the mirror pip is configured for). .ci/cache/ is gitignored.

venv_log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
venv_die() { venv_log "$*"; exit 1; }

# The first interpreter that is Python 3.11 or newer.
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

build_venv() {
  local name="$1" requirements="$2"
  shift 2
  local root cache venv want
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cache="$root/.ci/cache"
  venv="$cache/$name"
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements-sha256" 2>/dev/null)" = "$want" ]; then return 0; fi
  mkdir -p "$cache"
  # Lock: two test processes may build at the same time.
  exec 9>"$cache/$name.build.lock"
  flock 9
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements-sha256" 2>/dev/null)" = "$want" ]; then return 0; fi
  local python
  python="$(find_python)" || venv_die "Python 3.11 or newer (with venv) is needed for $name"
  venv_log "building $venv with $("$python" --version) (about 1 min on a fresh machine)"
  # Built in place (a venv's scripts name their own path); the hash file, written last, marks it complete.
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements" >&2; then
    rm -rf "$venv"
    venv_die "pip install failed"
  fi
  # Some packages write caches into the working directory on import: check in a scratch one.
  local scratch
  scratch="$(mktemp -d)"
  (cd "$scratch" && PATH="$venv/bin:$PATH" "$@") >&2 || { rm -rf "$scratch"; venv_die "$name does not work after installation"; }
  rm -rf "$scratch"
  printf '%s' "$want" >"$venv/.requirements-sha256"
  flock -u 9
}
