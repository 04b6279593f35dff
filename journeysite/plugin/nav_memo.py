"""mkdocs-material's navigation drawn once per item and folder, not once per page.

Every page prints the whole navigation, and with ``navigation.prune`` still every item of the section it
is in: at 3,000 entities that was 40% of rendering the pages (205,000 runs of the navigation templates).
An item the page is not in (a sibling, a section it is outside of) comes out the same on every page of
one folder: its links are relative, and MkDocs' relative link from ``stages/a/`` to a page not inside
``stages/a/`` is the same as from ``stages/b/``. So the item's HTML is kept, by (item, its place in the
navigation, the folder of the page), and given to the next page of that folder; the items on the way to
the page itself (``active``) are drawn each time. The result is byte for byte what material prints.

How: material's ``partials/nav-item.html`` has one macro, ``render``, that draws an item and calls itself
for the item's children. As the template is loaded, that macro is renamed, and a macro of the same name
that asks ``NavMemo.item`` first takes its place, so its own calls go through the memo too. Only
material's own template (not a ``custom_dir`` override), only when its text has the shape this expects,
and only for builds with no plugin journeysite does not know (which could change links or the template).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

TEMPLATE = "partials/nav-item.html"
MACRO = "{% macro render(nav_item, path, level, parent) %}"
RENAMED = "{% macro _jsite_render(nav_item, path, level, parent) %}"
RECURSION = '{{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}'
WRAPPER = (
    "\n{% macro render(nav_item, path, level, parent) -%}"
    "{{ jsite_nav_item(nav_item, path, level, parent, page, _jsite_render) }}"
    "{%- endmacro %}\n"
)
GLOBAL = "jsite_nav_item"


def rewrite(source: str) -> str | None:
    """``nav-item.html`` with its ``render`` macro asking the memo first; None when the template is not
    the one this knows (another version of material may draw items differently)."""
    if source.count(MACRO) != 1 or source.count(RECURSION) != 1 or "_jsite_render" in source:
        return None
    return source.replace(MACRO, RENAMED) + WRAPPER


class MemoLoader(jinja2.BaseLoader):
    """The theme's loader, giving material's own ``nav-item.html`` rewritten (``rewrite``)."""

    def __init__(self, inner: jinja2.BaseLoader, material_dir: Path) -> None:
        self.inner, self.material_dir = inner, material_dir

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == TEMPLATE and filename and Path(filename).resolve().parent.parent == self.material_dir:
            rewritten = rewrite(source)
            if rewritten is not None:
                return rewritten, filename, uptodate
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


class NavMemo:
    """The HTML of the navigation's items, for the pages of one build."""

    def __init__(self, nav: Navigation) -> None:
        self.kept: dict[tuple[Any, ...], Any] = {}
        self.inside: dict[int, frozenset[str] | None] = {}  # item -> the folders its links point into
        for item in nav.items:
            self._folders(item)

    def _folders(self, item: Any) -> frozenset[str] | None:
        """Every folder a link under ``item`` points into (``a`` and ``a/b`` for ``a/b/``); None when
        one of them is not a page's (a link written in ``nav:``): such an item is drawn each time."""
        if isinstance(item, Page):
            url = item.url.rstrip("/")
            parts = url.split("/") if url else []
            found: frozenset[str] | None = frozenset("/".join(parts[: n + 1]) for n in range(len(parts)))
        elif isinstance(item, Section):
            found = frozenset()
            for child in item.children:
                below = self._folders(child)
                found = None if below is None or found is None else found | below
        else:
            found = None
        self.inside[id(item)] = found
        return found

    def item(self, nav_item: Any, path: str, level: int, parent: Any, page: Any, render: Any) -> Any:
        """The item as ``render`` draws it for ``page``: kept from another page of the same folder when
        the item cannot differ between them."""
        folder = self._folder(nav_item, page)
        if folder is None:
            return render(nav_item, path, level, parent)
        parent_active = not isinstance(parent, jinja2.Undefined) and bool(getattr(parent, "active", False))
        key = (id(nav_item), path, level, parent_active, folder)
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = render(nav_item, path, level, parent)
        return found

    def _folder(self, nav_item: Any, page: Any) -> str | None:
        """What the links of ``nav_item`` depend on, for ``page``; None when the item must be drawn for
        this page alone: the page is in it, or one of its links points into the page's own folder."""
        if (
            not isinstance(page, Page)
            or getattr(nav_item, "active", True)
            or getattr(nav_item, "pages", None)
        ):
            return None
        inside = self.inside.get(id(nav_item))
        if inside is None:
            return None
        url = page.url
        own = url.rstrip("/")
        # The page is in it after all (a page listed twice: MkDocs makes only one section its parent),
        # or one of its links points into the page's own folder; the home page's folder holds them all.
        if not own or own in inside:
            return None
        head, tail = posixpath.split(url)
        if "." in tail:  # `stages/a.html`: MkDocs links from its folder, the same for every page there
            return "file:" + head
        return "folder:" + posixpath.dirname(own)


def install(env: jinja2.Environment, nav: Navigation) -> None:
    """Have ``env`` draw material's navigation through a memo for this build's ``nav``."""
    try:
        import material  # type: ignore[import-untyped]
    except ImportError:  # (another theme: nothing of material's to draw)
        return
    if env.loader is None or GLOBAL in env.globals:
        return
    material_dir = Path(material.__file__).resolve().parent / "templates"
    env.loader = MemoLoader(env.loader, material_dir)
    env.globals[GLOBAL] = NavMemo(nav).item
