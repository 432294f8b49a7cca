"""Renders a chart of the scaffolder template (templates/**/chart, holding ${{ values.* }} expressions) into a plain
Helm chart, so that it is linted and validated like the services' charts, with every branch of the template on.

Usage: render_template_chart.py CHART_DIR DEST_DIR VALUES_YAML

The scaffolder renders these files with nunjucks and its ${{ }} variable syntax; the template's charts use only what
Jinja2 reads the same way (expressions, if/else, for/else, `in`, `length`, `default`, `int`, `join`, `dump`). The
scaffolder's own rendering of the template is checked by its drift test against the twelve services' deploy/ files.
"""
import json
import sys
from pathlib import Path

import jinja2
import yaml


def main(source: Path, dest: Path, values_file: Path) -> None:
    values = yaml.safe_load(values_file.read_text())
    env = jinja2.Environment(
        variable_start_string="${{",
        variable_end_string="}}",
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["dump"] = lambda value: json.dumps(value, ensure_ascii=False)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.from_string(path.read_text()).render(values=values))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
