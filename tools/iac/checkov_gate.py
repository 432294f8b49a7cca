"""Runs checkov offline over the given targets and compares its failed checks with the skip file.

Usage: checkov_gate.py SKIP_FILE FRAMEWORKS DIRECTORY   (FRAMEWORKS: comma-separated, e.g. terraform,kubernetes)

One checkov process scans the directory with every framework (each picks its own files): starting checkov costs more
than scanning these few files, so check.sh gathers the targets into one tree first.

A failed check whose id is not in the skip file fails the gate; so does a skip that no target needs any more (the
file only lists what is still true), a skip without a reason, and a framework that found nothing to scan (pass only
the frameworks the directory has files for). Checkov runs with --skip-download and without an
API key: it never reaches the network (no policy metadata, no version check).
"""
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml


def load_skips(path: Path) -> dict[str, str]:
    entries = yaml.safe_load(path.read_text())["skips"]
    skips = {}
    for entry in entries:
        if not str(entry.get("reason", "")).strip():
            sys.exit(f"checkov: {path}: the skip of {entry.get('id')} has no reason")
        skips[entry["id"]] = entry["reason"]
    return skips


def run_checkov(frameworks: str, directory: str) -> list[dict]:
    arguments = [str(Path(sys.executable).with_name("checkov")), "--framework", *frameworks.split(","), "--skip-download",
                 "--compact", "--output", "json", "--directory", directory]
    # hidden directories hold the workflows (.github). RENDER_EDGES_DUPLICATE_ITER_COUNT: checkov stops rendering
    # variables after that many passes that mostly repeat the previous ones (default 4), which is before the env's values
    # reach the data stores two module levels down (env root -> stack-aws -> rds, whose inputs are outputs of eks, itself
    # fed by vpc): the RDS instance's multi_az, backup retention and deletion protection stayed var.* and their checks
    # went unreported. 6 is enough today; 10 leaves room for one more module in such a chain (about 0.5 s more).
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "CKV_PARSE_ERROR_FAIL": "true",
           "CKV_IGNORE_HIDDEN_DIRECTORIES": "false", "RENDER_EDGES_DUPLICATE_ITER_COUNT": "10"}
    # exit code 1 only means "failed checks": the JSON says which
    done = subprocess.run(arguments, capture_output=True, text=True, env=env)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        sys.exit(f"checkov failed to run ({done.returncode}):\n{done.stderr[-2000:]}")
    # a list of reports (one per framework that found files), or one report; concatenated documents are read too
    reports, decoder, text, at = [], json.JSONDecoder(), done.stdout.strip(), 0
    while at < len(text):
        document, at = decoder.raw_decode(text, at)
        reports += document if isinstance(document, list) else [document]
        while at < len(text) and text[at].isspace():
            at += 1
    for report in reports:
        if report.get("summary", {}).get("parsing_errors"):
            sys.exit(f"checkov {report.get('check_type')}: files it could not parse: {report['results'].get('parsing_errors')}")
    return reports


def main() -> int:
    skips = load_skips(Path(sys.argv[1]))
    used: set[str] = set()
    unlisted = []
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for report in run_checkov(sys.argv[2], sys.argv[3]):
        count = counts[report.get("check_type", "?")]
        count[0] += report.get("summary", {}).get("passed", 0)
        for check in report.get("results", {}).get("failed_checks", []):
            count[1] += 1
            if check["check_id"] in skips:
                used.add(check["check_id"])
                count[2] += 1
            else:
                unlisted.append(check)
    for framework, (passed, failed, listed) in sorted(counts.items()):
        print(f"checkov {framework}: {passed} passed, {failed} failed ({listed} of them skipped with a reason)")
    missing = sorted(set(sys.argv[2].split(",")) - set(counts))
    for framework in missing:
        print(f"checkov {framework}: found nothing to scan", file=sys.stderr)
    by_check = defaultdict(list)
    for check in unlisted:
        by_check[(check["check_id"], check["check_name"])].append(f"{check['file_path'].lstrip('/')}: {check['resource']}")
    for (check_id, name), where in sorted(by_check.items()):
        print(f"checkov: {check_id} {name}", file=sys.stderr)
        for line in sorted(set(where)):
            print(f"    {line}", file=sys.stderr)
    stale = sorted(set(skips) - used)
    for check_id in stale:
        print(f"checkov: {check_id} is in the skip file but no target fails it any more: remove it", file=sys.stderr)
    print(f"checkov: {len(unlisted)} failed checks not in the skip file, {len(used)} of {len(skips)} skips in use")
    return 1 if unlisted or stale or missing else 0


if __name__ == "__main__":
    sys.exit(main())
