"""mkdocs hook of the platform handbook's TechDocs (mkdocs.yml at the repository root; docs/techdocs.md).

The handbook is one site built from several folders of one repository: `docs/`, and each service's own site
(`services/<dir>/mkdocs.yml`, merged under `/services/<name>/` by mkdocs-techdocs-core's monorepo plugin). Their Markdown
links point at files of the repository (`../../docs/events.md`, `../../catalog-info/apis/product-api.openapi.yaml`);
mkdocs only knows the merged pages, so this hook turns each such link into the portal page that shows the same thing,
and leaves every other link alone:

- a page of the handbook (`docs/<page>.md`) -> that page of the handbook's TechDocs;
- a contract (`catalog-info/apis/<api>.<openapi|asyncapi>.yaml`) -> the API entity's definition tab;
- a service folder or its README (`services/<dir>`) -> that service's part of the handbook (`/services/<name>/`);
- any other file of the repository -> its path as code (there is no repository browser to link to).

A service's `docs/index.md` that holds only `--8<-- "README.md"` shows the service's README, with the README's links
read from the README's own folder, so the README stays the one text a service keeps about itself.
"""

import os
import posixpath
import re

import yaml

HANDBOOK = "/docs/default/component/platform-handbook"
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
INCLUDE_README = '--8<-- "README.md"'


def _sites(root, config_file):
    """The merged sites: URL prefix (the included site's site_name) -> (its folder, its docs folder), repo-relative."""
    with open(config_file, encoding="utf-8") as f:
        nav = yaml.safe_load(f).get("nav", [])
    sites = {}

    def walk(items):
        for item in items if isinstance(items, list) else []:
            for value in (item.values() if isinstance(item, dict) else [item]):
                if isinstance(value, str) and value.startswith("!include "):
                    included = posixpath.normpath(value[len("!include "):].strip())
                    with open(os.path.join(root, included), encoding="utf-8") as g:
                        site = yaml.safe_load(g)
                    folder = posixpath.dirname(included)
                    sites[site["site_name"]] = (folder, posixpath.join(folder, site.get("docs_dir", "docs")))
                else:
                    walk(value)

    walk(nav)
    return sites


def _portal_link(repo_path, anchor, services):
    if repo_path.startswith("docs/") and repo_path.endswith(".md"):
        page = repo_path[len("docs/"):-len(".md")]
        page = "" if page == "index" else page + "/"
        return f"{HANDBOOK}/{page}{anchor}"
    match = re.fullmatch(r"catalog-info/apis/([a-z0-9-]+)\.(openapi|asyncapi)\.yaml", repo_path)
    if match:
        return f"/catalog/default/api/{match.group(1)}/definition"
    folder = repo_path[: -len("/README.md")] if repo_path.endswith("/README.md") else repo_path.rstrip("/")
    for name, (site_folder, _) in services.items():
        if folder == site_folder:
            return f"{HANDBOOK}/{name}/{anchor}"
    return None


def _rewrite(markdown, source_dir, page_dir, site_dir, services):
    """Rewrites the links of `markdown`, written in `source_dir` and shown as a page in `page_dir` of the site built
    from `site_dir`, that leave `site_dir` (all paths repo-relative)."""

    def replace(match):
        bang, text, target = match.groups()
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
            return match.group(0)
        path, _, fragment = target.partition("#")
        repo_path = posixpath.normpath(posixpath.join(source_dir, path))
        if repo_path == site_dir or repo_path.startswith(site_dir + "/"):
            if source_dir == page_dir:
                return match.group(0)
            return f"{bang}[{text}]({posixpath.relpath(repo_path, page_dir)}{'#' + fragment if fragment else ''})"
        if bang:
            return match.group(0)
        portal = _portal_link(repo_path, f"#{fragment}" if fragment else "", services)
        if portal:
            return f"[{text}]({portal})"
        return text if text.startswith("`") else f"{text} (`{repo_path}`)"

    return LINK.sub(replace, markdown)


def on_page_markdown(markdown, page, config, files):
    root = os.path.dirname(os.path.abspath(config["config_file_path"]))
    sites = _sites(root, config["config_file_path"])
    prefix = next((name for name in sites if page.file.src_uri.startswith(name + "/")), None)
    if prefix:
        folder, site_dir = sites[prefix]
        src_uri = page.file.src_uri[len(prefix) + 1:]
    else:
        folder, site_dir, src_uri = "", "docs", page.file.src_uri
    page_dir = source_dir = posixpath.dirname(posixpath.join(site_dir, src_uri))
    if src_uri == "index.md" and markdown.strip() == INCLUDE_README and folder:
        with open(os.path.join(root, folder, "README.md"), encoding="utf-8") as f:
            markdown = f.read()
        source_dir = folder
    return _rewrite(markdown, source_dir, page_dir, site_dir, sites)
