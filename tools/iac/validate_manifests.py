"""Validates rendered Kubernetes manifests against the schemas of one Kubernetes version, strictly (unknown fields
are errors). Built-in kinds use the schemas shipped in the kubernetes-validate package (offline); custom resources use
the JSON schemas in tools/iac/schemas/<kind>-<group>-<version>.json. A kind without a schema is an error.

Usage: validate_manifests.py [--unique-to DIR] KUBERNETES_VERSION MANIFEST...

With --unique-to, each distinct resource is also written once to DIR/<manifest's name> (the first manifest that has
it): the envs of a chart render many identical resources (Service, ServiceMonitor...), which checkov then scans once.

kubernetes_validate.validate() reads the version's _definitions.json (several MB) again for every resource; this
builds one validator per kind and API version instead, from the same files and in the same way (strict schemas, the
newest schema version not newer than the one asked for), so that a few hundred resources take about a second.
"""
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml
from packaging.version import Version
from kubernetes_validate import utils
from referencing import Registry, Resource

SCHEMAS = Path(__file__).with_name("schemas")


class Validators:
    def __init__(self, desired_version: str):
        wanted = Version(utils.major_minor(desired_version))
        if wanted > Version(utils.major_minor(utils.latest_version())):
            sys.exit(f"kubernetes schemas: kubernetes-validate {utils.__version__} has no schemas for {desired_version}")
        version = [v for v in utils.all_versions() if Version(utils.major_minor(v)) <= wanted][-1]
        self.version = utils.major_minor(version)
        self.schema_dir = f"kubernetes-json-schema/v{version}-local-strict"
        self.definitions = Resource.from_contents(utils.schema_contents(f"{self.schema_dir}/_definitions.json", desired_version))
        self.desired_version = desired_version
        self.cache: dict[tuple[str, str], jsonschema.protocols.Validator | None] = {}

    def custom(self, api_version: str, kind: str) -> dict | None:
        group, _, version = api_version.rpartition("/")
        path = SCHEMAS / f"{kind.lower()}-{group.split('.')[0]}-{version}.json"
        return json.loads(path.read_text()) if path.exists() else None

    def get(self, api_version: str, kind: str):
        key = (api_version, kind)
        if key not in self.cache:
            schema = self.custom(api_version, kind)
            if schema is not None:
                self.cache[key] = jsonschema.validators.validator_for(schema)(schema)
            else:
                # rbac.authorization.k8s.io/v1 -> rbac-v1, as kubernetes_validate names its files
                name = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
                try:
                    schema = utils.schema_contents(f"{self.schema_dir}/{kind.lower()}-{name}.json", self.desired_version)
                except FileNotFoundError:
                    schema = None
                if schema is not None:
                    registry = self.definitions @ (Resource.from_contents(schema) @ Registry())
                    self.cache[key] = jsonschema.validators.Draft202012Validator(schema, registry=registry)
                else:
                    self.cache[key] = None
        return self.cache[key]


def main(version: str, files: list[str], unique_to: Path | None) -> int:
    validators = Validators(version)
    errors = 0
    count = 0
    seen: set[str] = set()
    if unique_to:
        unique_to.mkdir(parents=True, exist_ok=True)
    for file in files:
        unique = []
        for resource in yaml.safe_load_all(Path(file).read_text()):
            if not resource:
                continue
            count += 1
            key = json.dumps(resource, sort_keys=True)
            if key not in seen:
                seen.add(key)
                unique.append(resource)
            where = f"{Path(file).name}: {resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
            validator = validators.get(resource["apiVersion"], resource["kind"])
            if validator is None:
                print(f"kubernetes schemas: {where}: no schema for {resource['apiVersion']} {resource['kind']}", file=sys.stderr)
                errors += 1
                continue
            for error in sorted(validator.iter_errors(resource), key=lambda e: list(e.absolute_path)):
                path = "/".join(str(part) for part in error.absolute_path)
                print(f"kubernetes schemas: {where}: {path}: {error.message}", file=sys.stderr)
                errors += 1
        if unique_to and unique:
            (unique_to / Path(file).name).write_text(yaml.safe_dump_all(unique, sort_keys=False))
    print(f"kubernetes schemas: {count} resources in {len(files)} manifests valid against Kubernetes {validators.version}"
          if not errors else f"kubernetes schemas: {errors} errors in {count} resources")
    return 1 if errors else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    target = None
    if arguments[:1] == ["--unique-to"]:
        target, arguments = Path(arguments[1]), arguments[2:]
    sys.exit(main(arguments[0], arguments[1:], target))
