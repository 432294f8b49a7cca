#!/usr/bin/env bash
# Puts the Python tools of the test suite (schemathesis, pinned in tools/fuzz/requirements.txt) into the venv
# .state/python. Idempotent: a venv already holding exactly the pinned requirements is left alone; pip reuses its cache.
#
# The interpreter must have the fix of CPython gh-106905 (3.11.9, 3.12.3, 3.13): before it, ast.parse in two threads at
# once fails with "SystemError: AST constructor recursion depth mismatch", which schemathesis' two workers hit when
# hypothesis describes a filter (it parses the source of the filter's lambda). The first of python3.13, python3.12 and
# python3 (then pyenv's installed versions, newest first) that has it is taken; PYTHON names another.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.state/python"
requirements="$root/tools/fuzz/requirements.txt"
stamp="$venv/.requirements.sha256"

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
[ -n "$python" ] || { echo "install-python-tools: no Python >= 3.11.9 (or >= 3.12.3) found; set PYTHON" >&2; exit 1; }
want="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"

if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "schemathesis: $("$venv/bin/schemathesis" --version) (python $("$venv/bin/python" -c 'import platform; print(platform.python_version())'))"
  exit 0
fi
# a venv of another interpreter (or none) is made anew
if ! [ -x "$venv/bin/python" ] || [ "$("$venv/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" != "${want##* }" ]; then
  "$python" -m venv --clear "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements"
echo "$want" >"$stamp"
echo "schemathesis: $("$venv/bin/schemathesis" --version) (python $("$venv/bin/python" -c 'import platform; print(platform.python_version())'))"
