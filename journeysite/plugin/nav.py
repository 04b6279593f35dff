"""The navigation: the site plan's sections placed in MkDocs' navigation, built by MkDocs' own
``get_navigation`` (so parents, previous and next links are set as MkDocs sets them)."""

from __future__ import annotations

import copy
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section, get_navigation
from mkdocs.structure.pages import Page

from journeysite.core.model import Handbook
from journeysite.core.relations import Relations
from journeysite.render import site

log = get_plugin_logger("journeysite")


def navigation(
    nav: Navigation,
    config: MkDocsConfig,
    files: Files,
    handbook: Handbook,
    relations: Relations,
    generated: list[site.NavItem],
) -> Navigation:
    """The site's navigation with journeysite's sections: with no ``nav:`` in mkdocs.yml, start here,
    the Journey pages and the entity pages by kind, between the plain pages MkDocs found; with the user's
    ``nav:``, that nav as written and a "Customer journey" section after it for what it leaves out."""

    def exists(path: str) -> bool:
        return files.get_file_from_path(path) is not None

    if config.nav is None:
        placed = {e.file for e in handbook.all()} | {str(src) for _, src in generated}
        ours = site.plan_data(site.plan(handbook, relations, generated), exists)
        data = site.around_plan([_as_data(item) for item in nav.items], placed, ours)
    else:
        in_nav = {p.file.src_uri for p in nav.pages}
        plan = site.plan(handbook, relations, generated, in_nav)
        data = [*config.nav, *site.plan_data(plan, exists)]
    planned = copy.copy(config)  # the user's config stays as written
    planned["nav"] = data
    built = get_navigation(files, planned)
    if len(built.pages) > site.PRUNE_ABOVE:
        _prune_navigation(config, len(built.pages))
    return built


def _as_data(item: Any) -> Any:
    """An item of MkDocs' automatic navigation in ``nav:`` form."""
    if isinstance(item, Page):
        return item.file.src_uri
    if isinstance(item, Section):
        return {item.title: [_as_data(child) for child in item.children]}
    return {item.title: item.url}


def _prune_navigation(config: MkDocsConfig, pages: int) -> None:
    """Turn on mkdocs-material's ``navigation.prune``: each page then renders only the navigation on
    its own path, which the sections journeysite plans are sized for. Without it every page renders
    the whole navigation, and a large handbook's build grows with the square of its pages."""
    theme = config.theme
    if theme.name != "material":
        return
    features = theme["features"] if "features" in theme and theme["features"] else []
    features = [features] if isinstance(features, str) else list(features)
    if "navigation.prune" in features:
        return
    if "navigation.expand" in features:  # the two do not work together: the user's choice stands
        log.info(
            f"navigation.expand is on, so journeysite leaves navigation.prune off: each of the {pages} pages "
            "renders the whole navigation, which makes a large handbook slow to build"
        )
        return
    theme["features"] = [*features, "navigation.prune"]
    log.info(
        f"{pages} pages: journeysite turns on mkdocs-material's navigation.prune, so each page renders "
        "only the navigation on its path"
    )
