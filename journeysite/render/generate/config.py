"""The configuration a generated tree is built with: the project's ``mkdocs.yml`` as written (its YAML tags
kept), without the journeysite plugin, with the navigation the plugin would build written out as ``nav``,
journeysite's CSS and script, ``edit_uri`` pointing at the real docs folder, and the theme features the
plugin would turn on."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from journeysite.core.model import Handbook
from journeysite.core.relations import Relations
from journeysite.core.settings import PLUGIN_NAME, ConfigError
from journeysite.render import site

DOCS = "docs"  # the docs folder inside a generated tree
SITE = "site"


@dataclass(frozen=True)
class Tagged:
    """A value under a YAML tag journeysite does not interpret (``!ENV``, ``!!python/name:…``), written
    back as it was read."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml keeping every tag it does not know."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return Tagged(node.tag, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


_Loader.add_multi_constructor("", _tagged)


class _Dumper(yaml.SafeDumper):
    """Writes Tagged values under their tags."""


def _represent_tagged(dumper: yaml.SafeDumper, value: Tagged) -> yaml.Node:
    if isinstance(value.value, list):
        return dumper.represent_sequence(value.tag, value.value)
    if isinstance(value.value, dict):
        return dumper.represent_mapping(value.tag, value.value)
    return dumper.represent_scalar(value.tag, "" if value.value is None else str(value.value))


_Dumper.add_representer(Tagged, _represent_tagged)


def read(config_file: Path, seen: frozenset[Path] = frozenset()) -> dict[str, Any]:
    """The project's configuration as written, merged over the file its ``INHERIT`` names."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_Loader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{config_file} cannot be read: {exc}") from None
    data = data if isinstance(data, dict) else {}
    parent = data.pop("INHERIT", None)
    if isinstance(parent, str) and parent:
        path = (config_file.parent / parent).resolve()
        if path in seen or not path.is_file():
            raise ConfigError(f"{config_file} inherits from {path}, which cannot be read")
        data = _merge(read(path, seen | {config_file.resolve()}), data)
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        both = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both else value
    return merged


def plain(value: Any) -> Any:
    """The value with each Tagged one replaced by None (what the command line reads)."""
    if isinstance(value, Tagged):
        return None
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def written(
    data: dict[str, Any],
    nav: list[Any],
    *,
    target: str,
    docs_in_repo: str | None,
    prune: bool,
    project_from_tree: str = ".",
) -> str:
    """The generated tree's ``mkdocs.yml``: the project's settings for ``target``, standalone; the paths
    the builder reads from the folder of mkdocs.yml (``theme.custom_dir``, ``hooks``, ``watch``) made to
    lead from the tree back to the project (``project_from_tree``)."""
    out = {key: value for key, value in data.items() if key not in ("docs_dir", "site_dir", "nav")}
    out.update(_relocated(data, project_from_tree))
    out["docs_dir"] = DOCS
    out["site_dir"] = SITE
    out["nav"] = nav
    plugins = _without_journeysite(data.get("plugins"))
    if plugins is not None:
        out["plugins"] = plugins
    out["extra_css"] = _with(data.get("extra_css"), site.STYLESHEET)
    out["extra_javascript"] = _with(data.get("extra_javascript"), site.SCRIPT)
    # MkDocs' default edit_uri names `docs/`, not the real folder (which the tree's `docs/` is not).
    default_edit = _default_edit_uri(data.get("repo_url"))
    unset = "edit_uri" not in data and "edit_uri_template" not in data
    if unset and default_edit and docs_in_repo is not None:
        out["edit_uri"] = f"{default_edit}{docs_in_repo}/"
    theme = out.get("theme")
    if prune and isinstance(theme, dict) and theme.get("name") == "material":
        features = theme.get("features") or []
        features = [features] if isinstance(features, str) else list(features)
        if "navigation.prune" not in features and "navigation.expand" not in features:
            out["theme"] = {**theme, "features": [*features, "navigation.prune"]}
    header = (
        f"# Written by `journeysite generate --target {target}`: do not edit, generate again.\n"
        f"# Build it with `{'zensical build' if target == 'zensical' else 'mkdocs build'} -f <this file>`.\n"
    )
    return header + yaml.dump(out, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)


def _relocated(data: dict[str, Any], project_from_tree: str) -> dict[str, Any]:
    """The settings whose relative paths MkDocs (and Zensical) read from the folder of mkdocs.yml, each
    relative path prefixed with ``project_from_tree``; a value under a YAML tag is left as written."""

    def moved(path: Any) -> Any:
        if not isinstance(path, str) or not path or path.startswith("/") or Path(path).is_absolute():
            return path
        return posixpath.normpath(posixpath.join(project_from_tree, path))

    changed: dict[str, Any] = {}
    theme = data.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        changed["theme"] = {**theme, "custom_dir": moved(theme["custom_dir"])}
    for key in ("hooks", "watch"):
        if isinstance(data.get(key), list):
            changed[key] = [moved(item) for item in data[key]]
    return changed


def _default_edit_uri(repo_url: Any) -> str | None:
    """What MkDocs puts in front of ``docs/`` when ``edit_uri`` is not set (``config_options.RepoURL``):
    only for the three hosts it knows; on any other it shows no edit button."""
    if not isinstance(repo_url, str):
        return None
    try:
        host = urlsplit(repo_url).netloc.lower()
    except ValueError:
        return None
    return {"github.com": "edit/master/", "gitlab.com": "edit/master/", "bitbucket.org": "src/default/"}.get(
        host
    )


def _without_journeysite(plugins: Any) -> Any:
    if isinstance(plugins, list):
        return [
            p for p in plugins if p != PLUGIN_NAME and not (isinstance(p, dict) and list(p) == [PLUGIN_NAME])
        ]
    if isinstance(plugins, dict):
        return {name: options for name, options in plugins.items() if name != PLUGIN_NAME}
    return None


def _with(values: Any, path: str) -> list[Any]:
    listed = list(values) if isinstance(values, list) else []
    return listed if path in listed else [*listed, path]


def docs_folder_in_repo(config_dir: Path, docs_dir: Path) -> str | None:
    """The docs folder as a path from the folder of mkdocs.yml, or None when it lies elsewhere."""
    try:
        return docs_dir.resolve().relative_to(config_dir.resolve()).as_posix()
    except ValueError:
        return None


def navigation(
    handbook: Handbook,
    relations: Relations,
    pages: Iterable[str],
    generated: list[site.NavItem],
    user_nav: Any,
) -> list[Any]:
    """The plugin's navigation as an explicit ``nav``: with none in mkdocs.yml, the plain pages MkDocs'
    automatic navigation finds, around start here, the Journey pages and the entity pages by kind
    (``plugin/nav.py`` does the same through MkDocs); with the user's ``nav``, it and a section after it."""
    existing = set(pages)
    if not isinstance(user_nav, list):
        placed = {e.file for e in handbook.all()} | {str(src) for _, src in generated}
        ours = site.plan_data(site.plan(handbook, relations, generated), existing.__contains__)
        return site.around_plan(_automatic(sorted(existing, key=_sort_key)), placed, ours)
    in_nav = set(_paths(user_nav))
    return [
        *user_nav,
        *site.plan_data(site.plan(handbook, relations, generated, in_nav), existing.__contains__),
    ]


def page_count(nav: list[Any]) -> int:
    return len(list(_paths(nav)))


def _paths(nav: Any) -> Iterable[str]:
    if isinstance(nav, str):
        if "://" not in nav:
            yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _paths(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _paths(value)


def _sort_key(src_uri: str) -> tuple[Any, ...]:
    """MkDocs' order of files: by folder, each folder's index first (``file_sort_key``)."""
    parts = PurePosixPath(src_uri).parts
    return (parts[:-1], PurePosixPath(src_uri).stem != "index", parts[-1])


def _automatic(paths: list[str]) -> list[Any]:
    """MkDocs' automatic navigation (``nest_paths``): a section per folder, named as MkDocs names it."""
    nested: list[Any] = []
    for path in paths:
        branch = nested
        for part in PurePosixPath(path).parent.parts:
            title = part.replace("-", " ").replace("_", " ")
            title = title.capitalize() if title.lower() == title else title
            for item in branch:
                if isinstance(item, dict) and title in item:
                    branch = item[title]
                    break
            else:
                section: dict[str, list[Any]] = {title: []}
                branch.append(section)
                branch = section[title]
        branch.append(path)
    return nested
