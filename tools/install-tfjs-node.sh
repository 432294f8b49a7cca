#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node loadable without Google storage: yarn never runs its install script
# (dependenciesMeta built: false), so this puts libtensorflow from PyPI's tensorflow-cpu wheel into its deps/
# and builds its addon with node-gyp against the project's Node headers. Idempotent; the wheel, the library
# folder and the built addon are cached under .state/tfjs/, so a fresh node_modules costs a copy, not a build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_VERSION=2.15.1
CACHE="$ROOT/.state/tfjs"
WHEEL_DIR="$CACHE/wheel"
LIB_DIR="$CACHE/libtensorflow-$TF_VERSION"
NODE_DIR="${npm_config_nodedir:-$(ls -d "$ROOT"/.state/toolchain/node-* 2>/dev/null | head -n1)}"
NODE_BIN="$NODE_DIR/bin/node"
[ -x "$NODE_BIN" ] || NODE_BIN="$(command -v node)"

log() { printf '\033[1;34m[tfjs-node]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[tfjs-node]\033[0m %s\n' "$*" >&2; exit 1; }

PKG="$(cd "$ROOT" && "$NODE_BIN" -p "require('path').dirname(require.resolve('@tensorflow/tfjs-node/package.json', { paths: ['$ROOT/packages/trainer'] }))" 2>/dev/null)" \
  || die "@tensorflow/tfjs-node is not in node_modules: run yarn install first"
PKG_VERSION="$("$NODE_BIN" -p "require('$PKG/package.json').version")"
ADDON_CACHE="$CACHE/addon-$PKG_VERSION-node$("$NODE_BIN" -p 'process.versions.modules')"

loads() {
  (cd "$ROOT/packages/trainer" && "$NODE_BIN" -e "
    const util = require('util');
    util.isNullOrUndefined ??= (v) => v === null || v === undefined; // removed in Node 23, see src/model/nodeUtilShim.ts
    util.isArray ??= Array.isArray;
    const tf = require('@tensorflow/tfjs-node');
    const c = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
    if (tf.getBackend() !== 'tensorflow' || c !== 11) process.exit(1);
  ") >/dev/null 2>&1
}

cache_addon() {
  [ -d "$ADDON_CACHE/lib" ] && return 0
  mkdir -p "$ADDON_CACHE.partial/lib" && cp -a "$PKG"/lib/napi-v* "$ADDON_CACHE.partial/lib/" && mv "$ADDON_CACHE.partial" "$ADDON_CACHE"
}

if loads; then cache_addon; exit 0; fi

if [ ! -f "$LIB_DIR/lib/libtensorflow_cc.so.2" ]; then
  if ! ls "$WHEEL_DIR"/tensorflow_cpu-$TF_VERSION-*.whl >/dev/null 2>&1; then
    log "downloading tensorflow-cpu==$TF_VERSION from PyPI (about 200 MB, once)"
    mkdir -p "$WHEEL_DIR"
    (cd "$WHEEL_DIR" && pip download -q --no-deps --only-binary=:all: --python-version 311 \
      --platform manylinux2014_x86_64 "tensorflow-cpu==$TF_VERSION") || die "pip download failed"
  fi
  log "extracting libtensorflow from the wheel"
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist() if n.startswith('tensorflow/include/') or n in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')]" \
    "$(ls "$WHEEL_DIR"/tensorflow_cpu-$TF_VERSION-*.whl | head -n1)" "$tmp"
  rm -rf "$LIB_DIR.partial"; mkdir -p "$LIB_DIR.partial/lib"
  mv "$tmp/tensorflow/include" "$LIB_DIR.partial/include"
  mv "$tmp/tensorflow/libtensorflow_cc.so.2" "$tmp/tensorflow/libtensorflow_framework.so.2" "$LIB_DIR.partial/lib/"
  # the names tfjs-node's binding.gyp and its install script look for (it expects libtensorflow 2.9.1)
  (cd "$LIB_DIR.partial/lib" && ln -sf libtensorflow_cc.so.2 libtensorflow.so && ln -sf libtensorflow_cc.so.2 libtensorflow.so.2 \
    && ln -sf libtensorflow_cc.so.2 libtensorflow.so.2.9.1 && ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so \
    && ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so.2.9.1)
  rm -rf "$LIB_DIR"; mv "$LIB_DIR.partial" "$LIB_DIR"
fi

log "placing libtensorflow $TF_VERSION into $PKG/deps"
rm -rf "$PKG/deps"; mkdir -p "$PKG/deps"
cp -a "$LIB_DIR/include" "$LIB_DIR/lib" "$PKG/deps/"

if [ -d "$ADDON_CACHE/lib" ]; then
  log "restoring the addon built before ($ADDON_CACHE)"
  cp -a "$ADDON_CACHE/lib/." "$PKG/lib/"
  if loads; then exit 0; fi
  log "the cached addon does not load: rebuilding"
fi

log "building the addon with node-gyp against $NODE_DIR"
# node-pre-gyp and node-gyp come from the workspace's node_modules/.bin
(cd "$PKG" && PATH="$ROOT/node_modules/.bin:$(dirname "$NODE_BIN"):$PATH" npm_config_build_from_source=true npm_config_nodedir="$NODE_DIR" \
  "$NODE_BIN" scripts/install.js) >"$CACHE/build.log" 2>&1 || die "addon build failed; see $CACHE/build.log"
loads || die "tfjs-node still does not load after the build; see $CACHE/build.log"
rm -rf "$ADDON_CACHE"; cache_addon
log "ready: backend tensorflow, libtensorflow $TF_VERSION (addon cached in $ADDON_CACHE)"
