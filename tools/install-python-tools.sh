#!/usr/bin/env bash
# Puts the Python tools of the test suite into venvs under .state: schemathesis (pinned in tools/fuzz/requirements.txt)
# into .state/python, checkov and kubernetes-validate (tools/iac/requirements.txt) into .state/iac-python: checkov pins
# many libraries that schemathesis must not inherit, and mkdocs with mkdocs-techdocs-core (tools/techdocs/requirements.txt)
# into .state/techdocs-python for the portal's TechDocs builder. Arguments name the venvs wanted (fuzz, iac, techdocs;
# default all). Idempotent: a venv already holding exactly its pinned requirements
# is left alone; uv reuses its cache.
#
# The interpreter must have the fix of CPython gh-106905 (3.11.9, 3.12.3, 3.13): before it, ast.parse in two threads at
# once fails with "SystemError: AST constructor recursion depth mismatch", which schemathesis' two workers hit when
# hypothesis describes a filter (it parses the source of the filter's lambda). The first of python3.13, python3.12 and
# python3 (then pyenv's installed versions, newest first) that has it is taken; PYTHON names another.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

fixed='import sys; v = sys.version_info[:3]; sys.exit(0 if v >= (3, 12, 3) or (3, 11, 9) <= v < (3, 12) else 1)'
python=""
candidates=(${PYTHON:-} python3.14 python3.13 python3.12 python3)
if command -v pyenv >/dev/null 2>&1; then
  candidates+=($(ls -d "$(pyenv root)"/versions/3.*/bin/python3 2>/dev/null | sort -rV))
fi
for candidate in "${candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$fixed" 2>/dev/null; then
    python="$(command -v "$candidate")"
    break
  fi
done
uv="$(command -v uv || echo "$root/.state/toolchain/bin/uv")"
[ -x "$uv" ] || { echo "install-python-tools: no uv: run ./idp (it installs uv into .state/toolchain)" >&2; exit 1; }
[ -n "$python" ] || { echo "install-python-tools: no Python >= 3.11.9 (or >= 3.12.3) found; set PYTHON" >&2; exit 1; }
# install_venv VENV REQUIREMENTS COMMAND: makes VENV hold exactly REQUIREMENTS (COMMAND is one of its executables)
install_venv() {
  local venv="$1" requirements="$2" command="$3" stamp="$1/.requirements.sha256" want
  want="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
  if [ -x "$venv/bin/$command" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  # a venv of another interpreter (or none) is made anew; uv (./idp puts it into .state/toolchain) installs exactly
  # the pinned requirements
  if ! [ -x "$venv/bin/python" ] || [ "$("$venv/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" != "${want##* }" ]; then
    "$uv" venv --quiet --clear --python "$python" "$venv"
  fi
  "$uv" pip install --quiet --python "$venv/bin/python" --requirement "$requirements"
  echo "$want" >"$stamp"
}

# which venvs: `fuzz`, `iac`, `techdocs` (the portal's docs builder, all that ./idp start needs); all when none is named
selected=("$@")
want_venv() { [ "${#selected[@]}" -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }
summary=()
if want_venv fuzz; then
  install_venv "$root/.state/python" "$root/tools/fuzz/requirements.txt" schemathesis
  summary+=("schemathesis: $("$root/.state/python/bin/schemathesis" --version) (python $("$root/.state/python/bin/python" -c 'import platform; print(platform.python_version())'))")
fi
if want_venv iac; then
  install_venv "$root/.state/iac-python" "$root/tools/iac/requirements.txt" checkov
  summary+=("checkov: $(CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$root/.state/iac-python/bin/checkov" --version)" \
    "kubernetes-validate: $("$root/.state/iac-python/bin/kubernetes-validate" --version)")
fi
if want_venv techdocs; then
  install_venv "$root/.state/techdocs-python" "$root/tools/techdocs/requirements.txt" mkdocs
  summary+=("mkdocs: $("$root/.state/techdocs-python/bin/mkdocs" --version | cut -d' ' -f1-3)")
fi
echo "${summary[*]}"
