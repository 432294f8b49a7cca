#!/usr/bin/env bash
# Builds helm and actionlint into .state/bin through the Go module proxy (no GitHub downloads here).
# Idempotent: a tool already at the pinned version is left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.state/bin"
mkdir -p "$bin"
export GOBIN="$bin" GOFLAGS=-mod=mod CGO_ENABLED=0

HELM_VERSION=v3.19.0
ACTIONLINT_VERSION=v1.7.7

if ! "$bin/helm" version --short 2>/dev/null | grep -q "^${HELM_VERSION}"; then
  echo "building helm ${HELM_VERSION}"
  go install -ldflags "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
fi
if ! "$bin/actionlint" -version 2>/dev/null | grep -q "^${ACTIONLINT_VERSION}"; then
  echo "building actionlint ${ACTIONLINT_VERSION}"
  go install -ldflags "-X main.version=${ACTIONLINT_VERSION}" "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi
echo "helm: $("$bin/helm" version --short)  actionlint: $("$bin/actionlint" -version | head -1)"
