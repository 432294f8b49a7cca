"""Validates rendered Kubernetes manifests against the schemas of one Kubernetes version, strictly (unknown fields
are errors). Built-in kinds use the schemas shipped in the kubernetes-validate package (offline); custom resources use
the JSON schemas in tools/iac/schemas/<kind>-<group>-<version>.json. A kind without a schema is an error.

Usage: validate_manifests.py KUBERNETES_VERSION MANIFEST...
"""
import json
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

SCHEMAS = Path(__file__).with_name("schemas")


def custom_schema(resource: dict) -> dict | None:
    group, _, version = resource["apiVersion"].rpartition("/")
    path = SCHEMAS / f"{resource['kind'].lower()}-{group.split('.')[0]}-{version}.json"
    return json.loads(path.read_text()) if path.exists() else None


def main(version: str, files: list[str]) -> int:
    errors = 0
    count = 0
    for file in files:
        for resource in yaml.safe_load_all(Path(file).read_text()):
            if not resource:
                continue
            count += 1
            where = f"{Path(file).name}: {resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
            try:
                schema = custom_schema(resource)
                if schema is not None:
                    jsonschema.validate(resource, schema)
                else:
                    kubernetes_validate.validate(resource, version, strict=True)
            except kubernetes_validate.SchemaNotFoundError:
                print(f"kubernetes schemas: {where}: no schema for {resource['apiVersion']} {resource['kind']}", file=sys.stderr)
                errors += 1
            except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as error:
                path = "/".join(str(part) for part in error.absolute_path)
                print(f"kubernetes schemas: {where}: {path}: {error.message}", file=sys.stderr)
                errors += 1
    print(f"kubernetes schemas: {count} resources in {len(files)} manifests valid against Kubernetes {version}"
          if not errors else f"kubernetes schemas: {errors} of {count} resources invalid")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
