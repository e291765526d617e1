#!/usr/bin/env bash
# schemathesis (an OpenAPI-driven API fuzzer, from PyPI) for the contract test
# test/contract/api-fuzz.test.ts.
#
#   .ci/schemathesis.sh build    create .ci/cache/schemathesis-venv if missing or out of date; print its st command
#
# Versions are pinned in test/contract/fuzz/requirements.txt (see .ci/python-venv.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=python-venv.sh
. "$ROOT/.ci/python-venv.sh"

case "${1:-}" in
  build) build_venv schemathesis-venv "$ROOT/test/contract/fuzz/requirements.txt" st --version
         echo "$ROOT/.ci/cache/schemathesis-venv/bin/st" ;;
  *) venv_die "usage: $0 build" ;;
esac
