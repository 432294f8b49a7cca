#!/usr/bin/env bash
# Builds helm, actionlint and OpenTofu into .state/bin through the Go module proxy (no GitHub downloads
# here). Idempotent: a tool already at the pinned version is left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.state/bin"
mkdir -p "$bin"
export GOBIN="$bin" GOFLAGS=-mod=mod CGO_ENABLED=0

HELM_VERSION=v3.19.0
ACTIONLINT_VERSION=v1.7.7
TOFU_VERSION=v1.12.6

if ! "$bin/helm" version --short 2>/dev/null | grep -q "^${HELM_VERSION}"; then
  echo "building helm ${HELM_VERSION}"
  go install -ldflags "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
fi
if ! "$bin/actionlint" -version 2>/dev/null | grep -q "^${ACTIONLINT_VERSION}"; then
  echo "building actionlint ${ACTIONLINT_VERSION}"
  go install -ldflags "-X main.version=${ACTIONLINT_VERSION}" "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi
# OpenTofu's go.mod has a replace directive, which `go install pkg@version` refuses: build it as the main module from
# the module cache instead (about 7 minutes on 2 cores the first time; the build cache makes later builds a relink).
if ! TF_CLI_CONFIG_FILE=/dev/null "$bin/tofu" version 2>/dev/null | grep -q "^OpenTofu ${TOFU_VERSION}$"; then
  echo "building OpenTofu ${TOFU_VERSION}"
  src="$(go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  (cd "$src" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin/tofu" ./cmd/tofu)
fi
echo "helm: $("$bin/helm" version --short)  actionlint: $("$bin/actionlint" -version | head -1)" \
  " tofu: $(TF_CLI_CONFIG_FILE=/dev/null "$bin/tofu" version | head -1)"
