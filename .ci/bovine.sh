#!/usr/bin/env bash
# bovine-herd (an independent ActivityPub server in Python, from PyPI) for the interop test
# test/interop/bovine.test.ts.
#
#   .ci/bovine.sh build    create .ci/cache/bovine-venv if missing or out of date; print its python
#
# Versions are pinned in test/interop/bovine/requirements.txt (see .ci/python-venv.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=python-venv.sh
. "$ROOT/.ci/python-venv.sh"

case "${1:-}" in
  build) build_venv bovine-venv "$ROOT/test/interop/bovine/requirements.txt" python -c 'import bovine_herd, hypercorn'
         echo "$ROOT/.ci/cache/bovine-venv/bin/python" ;;
  *) venv_die "usage: $0 build" ;;
esac
