"""Links between pages: where each entity's page is, and the relative URL from one page to another."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import quote

from .model import Entity


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a page at ``src_uri`` (``a/b.md`` → ``a/b/`` or ``a/b.html``)."""
    stem, _ = posixpath.splitext(src_uri)
    directory, name = posixpath.split(stem)
    if name in ("index", "README"):
        if use_directory_urls:
            return f"{directory}/" if directory else ""
        return posixpath.join(directory, "index.html")
    if use_directory_urls:
        return f"{stem}/"
    return f"{stem}.html"


def relative_url(target: str, current: str) -> str:
    """``target`` relative to the page at ``current`` (both site-relative URLs, as MkDocs computes them)."""
    base = current.rpartition("/")[0] if not current.endswith("/") else current.rstrip("/")
    base_parts = [p for p in base.split("/") if p]
    target_parts = [p for p in target.split("/") if p]
    common = 0
    for a, b in zip(base_parts, target_parts, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(base_parts) - common) + target_parts[common:]) or "."
    return relative + "/" if target.endswith("/") and relative != "." else (relative if relative != "." else "./")


@dataclass
class Linker:
    """Computes links from the page being rendered to entity and generated pages."""

    use_directory_urls: bool = True
    src_of: dict[str, str] = field(default_factory=dict)  # entity key or page name -> src_uri
    current: str = ""  # src_uri of the page being rendered

    def at(self, src_uri: str) -> Linker:
        """The same linker, rendering the page at ``src_uri``."""
        return Linker(self.use_directory_urls, self.src_of, src_uri)

    def href(self, target: Entity | str) -> str | None:
        """The relative URL of an entity (or a generated page's name), for raw HTML; None if it has no page."""
        key = target.key if isinstance(target, Entity) else target
        src = self.src_of.get(key)
        if src is None:
            return None
        here = page_url(self.current, self.use_directory_urls)
        return quote(relative_url(page_url(src, self.use_directory_urls), here), safe="/.#-_~")

    def md_path(self, target: Entity | str) -> str | None:
        """The relative ``.md`` path of an entity, for Markdown links MkDocs resolves and checks."""
        key = target.key if isinstance(target, Entity) else target
        src = self.src_of.get(key)
        if src is None:
            return None
        start = posixpath.dirname(self.current)
        return quote(posixpath.relpath(src, start or "."), safe="/.#-_~")
