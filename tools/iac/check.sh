#!/usr/bin/env bash
# The infrastructure-as-code checks of ./idp test, all offline (no provider, schema or policy can be downloaded here):
#   1. tofu fmt -check over infra/terraform;
#   2. every env root (envs/<env>/<cloud>: backend, providers, the env's values and its cloud's stack module) loaded by
#      OpenTofu with its module tree (tofu get + tofu providers, backend blocks left out: they need credentials), then
#      the interfaces of every module call, in the roots and in the stack modules (terraform_interfaces.py);
#   3. every chart (services/*/deploy/chart, and the template's charts rendered by render_template_chart.py) linted
#      with helm lint --strict and rendered for each env's values-<env>.yaml (four jobs at a time), the manifests
#      validated strictly against the Kubernetes schemas of the clusters' version in one call (validate_manifests.py);
#   4. checkov over the Terraform, the rendered manifests, the Dockerfiles and the GitHub workflows, every failed
#      check listed with its reason in infra/checkov-skips.yaml (checkov_gate.py);
#   5. actionlint over the repository's own workflows (.github/workflows: the twelve services', infrastructure, model).
# Needs tools/install-go-tools.sh (helm, tofu, actionlint) and tools/install-python-tools.sh (checkov, kubernetes-validate).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bin="$root/.state/bin"
python="$root/.state/iac-python/bin/python"
here="$root/tools/iac"
# the clusters' Kubernetes minor (modules/eks and modules/aks kubernetes_version)
kubernetes_version=1.34
# no ~/.terraformrc here: an empty CLI configuration keeps tofu quiet and off any plugin cache
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "-- tofu fmt -check"
"$bin/tofu" fmt -check -recursive -diff -no-color infra/terraform
echo "tofu fmt: $(find infra/terraform -name '*.tf' -o -name '*.tfvars' | wc -l) files formatted"

echo "-- tofu: load every env root and its modules"
cp -r infra/terraform "$work/terraform"
rm -f "$work"/terraform/envs/*/*/backend.tf
roots=0
for env in "$work"/terraform/envs/*/*/; do
  name="$(basename "$(dirname "$env")")/$(basename "$env")"
  if ! out="$(TF_DATA_DIR="$work/data/${name//\//-}" "$bin/tofu" -chdir="$env" get -no-color 2>&1 &&
    TF_DATA_DIR="$work/data/${name//\//-}" "$bin/tofu" -chdir="$env" providers -no-color 2>&1)"; then
    echo "tofu: envs/$name does not load:" >&2
    echo "$out" | sed "s|$work/terraform|infra/terraform|g" >&2
    exit 1
  fi
  roots=$((roots + 1))
done
echo "tofu: $roots env roots load with their modules"
"$python" "$here/terraform_interfaces.py" infra/terraform

echo "-- charts: helm lint --strict, render per env, Kubernetes $kubernetes_version schemas"
charts=()
while IFS= read -r chart; do charts+=("$chart"); done < <(find services -path '*/deploy/chart/Chart.yaml' -not -path '*/node_modules/*' | sort)
while IFS= read -r chart; do
  rendered="$work/template-charts/$(echo "${chart%/Chart.yaml}" | tr / -)"
  "$python" "$here/render_template_chart.py" "${chart%/Chart.yaml}" "$rendered" "$here/template-values.yaml"
  charts+=("$rendered/Chart.yaml")
done < <(find templates -name Chart.yaml -not -path '*/node_modules/*' | sort)
mkdir -p "$work/manifests"
# every chart and env at once: one job per chart and values-<env>.yaml (lint, then render), a few at a time (each helm
# process is short; its start-up is most of the cost)
jobs="$work/chart-jobs"
: >"$jobs"
for chart in "${charts[@]}"; do
  dir="${chart%/Chart.yaml}"
  name="$(sed -n 's/^name: *//p' "$chart")"
  envs=0
  for values in "$dir"/values-*.yaml; do
    env="$(basename "$values" .yaml)"
    echo "$dir $name ${env#values-} $values" >>"$jobs"
    envs=$((envs + 1))
  done
  [ "$envs" -gt 0 ] || { echo "charts: $dir has no values-<env>.yaml" >&2; exit 1; }
done
# shellcheck disable=SC2016 # expanded by each job's shell
if ! work="$work" bin="$bin" xargs -P 4 -L 1 bash -c '
  set -euo pipefail
  dir="$1" name="$2" env="$3" values="$4" out="$work/manifests/$2-$3"
  if ! "$bin/helm" lint --strict --quiet "$dir" --values "$values" >"$out.log" 2>&1 ||
    ! "$bin/helm" template "$name" "$dir" --namespace platform --values "$values" >"$out.yaml" 2>"$out.log"; then
    echo "charts: $dir with $values:" >&2
    cat "$out.log" >&2
    exit 1
  fi
  rm "$out.log"' _ <"$jobs"; then
  echo "charts: a chart does not lint or render (above)" >&2
  exit 1
fi
while read -r dir name; do
  echo "helm: $name (${dir#"$work/"}) lints and renders for $(grep -c "^$dir " "$jobs") envs"
done < <(awk '!seen[$1]++ {print $1, $2}' "$jobs")
# strict schemas for every resource; the resources identical in several envs are scanned by checkov once
"$python" "$here/validate_manifests.py" --unique-to "$work/unique-manifests" "$kubernetes_version" "$work"/manifests/*.yaml

echo "-- checkov (offline)"
# one tree, repository paths kept: the Terraform, the rendered charts, the Dockerfiles and the workflows
scan="$work/scan"
mkdir -p "$scan/infra" "$scan/rendered-charts"
cp -r infra/terraform "$scan/infra/terraform"
cp "$work"/unique-manifests/*.yaml "$scan/rendered-charts/"
frameworks=terraform,kubernetes
dockerfiles="$(find services templates -name 'Dockerfile*' -not -name '*.dockerignore' -not -path '*/node_modules/*')"
if [ -n "$dockerfiles" ]; then
  echo "$dockerfiles" | xargs cp --parents -t "$scan"
  frameworks+=,dockerfile
fi
workflows="$(find . -maxdepth 2 -type d -path ./.github/workflows; find services templates -type d -path '*/.github/workflows' -not -path '*/node_modules/*')"
if [ -n "$workflows" ]; then
  echo "$workflows" | xargs cp -r --parents -t "$scan"
  frameworks+=,github_actions
fi
"$python" "$here/checkov_gate.py" infra/checkov-skips.yaml "$frameworks" "$scan"

echo "-- actionlint: .github/workflows"
"$bin/actionlint" -no-color .github/workflows/*.yaml
echo "actionlint: $(find .github/workflows -name '*.yaml' | wc -l) workflows clean"
