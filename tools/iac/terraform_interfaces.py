"""Offline checks of the Terraform under infra/terraform that `tofu validate` would make if providers could be
downloaded here, plus the house rules of the modules. Exits 1 listing every problem.

- every module call (in an env root or in a module) sets only variables the module declares, and every variable
  without a default;
- every env root envs/<env>/<cloud> calls its cloud's stack module (modules/stack-<cloud>) and has no resources of its
  own: the wiring is the stack's, the root holds the backend, the providers and the env's values;
- a terraform.tfvars, where an env root has one, sets only declared variables, and every variable without a default;
- every variable has a type and a description, every output a description;
- every module and env pins its providers (source and version) in versions.tf, with a required_version;
- every env has a backend block of its cloud: s3 with a DynamoDB lock table, azurerm, or gcs;
- every module is used by some env root, directly or through another module.
"""
import sys
from pathlib import Path

import hcl2

META_ARGUMENTS = {"source", "version", "providers", "depends_on", "count", "for_each", "__start_line__", "__end_line__"}
BACKENDS = {"aws": "s3", "azure": "azurerm", "gcp": "gcs"}


def load_dir(directory: Path) -> dict[str, list]:
    """Blocks of all .tf files of one directory, merged by block type."""
    merged: dict[str, list] = {}
    for file in sorted(directory.glob("*.tf")):
        with file.open() as handle:
            for block_type, blocks in hcl2.load(handle).items():
                merged.setdefault(block_type, []).extend((file.name, block) for block in blocks)
    return merged


def named(blocks: list) -> dict[str, tuple[str, dict]]:
    """{name: (file, body)} of labelled blocks such as variable "x" {...}."""
    return {name: (file, body) for file, block in blocks for name, body in block.items()}


def check_variables_and_outputs(directory: Path, config: dict, problems: list[str]) -> dict[str, dict]:
    variables = named(config.get("variable", []))
    for name, (file, body) in variables.items():
        for attribute in ("type", "description"):
            if attribute not in body:
                problems.append(f"{directory}/{file}: variable {name} has no {attribute}")
    for name, (file, body) in named(config.get("output", [])).items():
        if "description" not in body:
            problems.append(f"{directory}/{file}: output {name} has no description")
    return {name: body for name, (_, body) in variables.items()}


def check_versions(directory: Path, config: dict, problems: list[str]) -> None:
    terraform = [block for file, block in config.get("terraform", []) if file == "versions.tf"]
    if not terraform or "required_version" not in terraform[0]:
        problems.append(f"{directory}: versions.tf has no terraform {{ required_version }}")
        return
    for providers in terraform[0].get("required_providers", [{}]):
        for provider, settings in providers.items():
            settings = settings[0] if isinstance(settings, list) else settings
            if not {"source", "version"} <= settings.keys():
                problems.append(f"{directory}/versions.tf: provider {provider} needs a source and a version constraint")


def check_inputs(where: str, variables: dict[str, dict], given: set[str], problems: list[str]) -> None:
    for name in sorted(given - variables.keys()):
        problems.append(f"{where}: sets {name}, which is not a variable")
    for name in sorted(name for name, body in variables.items() if "default" not in body and name not in given):
        problems.append(f"{where}: does not set the required variable {name}")


def check_calls(directory: Path, config: dict, modules: dict[Path, dict], root: Path, problems: list[str]) -> set[Path]:
    """Checks the module calls of one directory against the called modules' variables; returns the modules called."""
    called = set()
    for name, (file, call) in named(config.get("module", [])).items():
        source_path = call["source"][0] if isinstance(call["source"], list) else call["source"]
        source = (directory / source_path).resolve()
        if source not in modules:
            problems.append(f"{directory}/{file}: module {name} has the source {source_path}, not a module of {root}/modules")
            continue
        called.add(source)
        check_inputs(f"{directory}/{file}: module {name}", modules[source], set(call) - META_ARGUMENTS, problems)
    return called


def main(root: Path) -> int:
    problems: list[str] = []
    modules, configs = {}, {}
    for directory in sorted(path for path in (root / "modules").iterdir() if path.is_dir()):
        configs[directory] = load_dir(directory)
        modules[directory.resolve()] = check_variables_and_outputs(directory, configs[directory], problems)
        check_versions(directory, configs[directory], problems)
    calls = {directory.resolve(): check_calls(directory, config, modules, root, problems) for directory, config in configs.items()}
    used = set()
    envs = sorted(path.parent for path in (root / "envs").glob("*/*/main.tf"))
    for env in envs:
        config = load_dir(env)
        variables = check_variables_and_outputs(env, config, problems)
        check_versions(env, config, problems)
        called = check_calls(env, config, modules, root, problems)
        stack = (root / "modules" / f"stack-{env.name}").resolve()
        if stack not in called:
            problems.append(f"{env}: does not call its cloud's stack module modules/stack-{env.name}")
        for file, block in config.get("resource", []):
            for kind, resources in block.items():
                for name in resources:
                    problems.append(f"{env}/{file}: resource {kind}.{name} belongs in modules/stack-{env.name}, not in the env root")
        # every module reachable from the root, through the modules' own calls
        while called - used:
            module = (called - used).pop()
            used.add(module)
            called |= calls.get(module, set())
        tfvars = env / "terraform.tfvars"
        if tfvars.exists():
            with tfvars.open() as handle:
                check_inputs(str(tfvars), variables, set(hcl2.load(handle)), problems)
        backends = [backend for _, block in config.get("terraform", []) for backend in block.get("backend", [])]
        expected = BACKENDS.get(env.name)
        if [list(backend) for backend in backends] != [[expected]]:
            problems.append(f"{env}: needs one backend \"{expected}\" block, found {[list(b) for b in backends]}")
        elif expected == "s3" and "dynamodb_table" not in backends[0]["s3"]:
            problems.append(f"{env}: the s3 backend needs a dynamodb_table to lock the state")
    for module in sorted(set(modules) - used):
        problems.append(f"{module}: no env root uses this module, directly or through another module")
    for problem in problems:
        print(f"terraform interfaces: {problem}", file=sys.stderr)
    print(f"terraform interfaces: {len(modules)} modules, {len(envs)} env roots, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
