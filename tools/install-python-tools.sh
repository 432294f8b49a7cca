#!/usr/bin/env bash
# Puts the Python tools of the test suite (schemathesis, pinned in tools/fuzz/requirements.txt) into the venv
# .state/python. Idempotent: a venv already holding exactly the pinned requirements is left alone; pip reuses its cache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.state/python"
requirements="$root/tools/fuzz/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "schemathesis: $("$venv/bin/schemathesis" --version)"
  exit 0
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements"
echo "$want" >"$stamp"
echo "schemathesis: $("$venv/bin/schemathesis" --version)"
