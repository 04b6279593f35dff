"""Links between pages: where each entity's page is, and the relative URL from one page to another."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import quote

from journeysite.core.model import Entity


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


def relative(path: str, start: str) -> str:
    """``posixpath.relpath`` for two paths inside the docs folder, as MkDocs writes them (``a/b.md``,
    no ``..``), without its two calls to the current directory each (a large handbook has thousands)."""
    parts, base = path.split("/"), start.split("/") if start else []
    common = 0
    while common < len(base) and common < len(parts) and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


@dataclass
class Linker:
    """Computes links from the page being rendered to entity and generated pages."""

    use_directory_urls: bool = True
    src_of: dict[str, str] = field(default_factory=dict)  # entity key or page name -> src_uri
    current: str = ""  # src_uri of the page being rendered
    # How raw HTML links: "url", relative URLs (MkDocs leaves raw HTML alone); "source", relative
    # ``.md`` paths (Zensical rewrites relative links in raw HTML as source paths: ``generate``)
    form: str = field(default="url", kw_only=True)
    _urls: dict[str, str] = field(default_factory=dict, repr=False)  # key -> quoted site-relative URL, shared
    _prefix: str | None = field(default=None, repr=False)

    def at(self, src_uri: str) -> Linker:
        """The same linker, rendering the page at ``src_uri``."""
        return Linker(self.use_directory_urls, self.src_of, src_uri, self._urls, form=self.form)

    def href(self, target: Entity | str) -> str | None:
        """The relative URL of an entity (or a generated page's name), for raw HTML; None if it has no page.

        Up to the site root, then down to the target: valid from any page, and computed with two
        lookups (a large handbook renders hundreds of thousands of links).
        """
        if self.form == "source":
            return self.md_path(target)
        url = self.url(target)
        if url is None:
            return None
        if self._prefix is None:
            here = page_url(self.current, self.use_directory_urls)
            self._prefix = "../" * here.count("/")
        return (self._prefix + url) or "./"

    def url(self, target: Entity | str) -> str | None:
        """The URL of an entity's (or generated) page relative to the site root, as MkDocs writes it."""
        key = target.key if isinstance(target, Entity) else target
        url = self._urls.get(key)
        if url is None:
            src = self.src_of.get(key)
            if src is None:
                return None
            url = self._urls[key] = quote(page_url(src, self.use_directory_urls), safe="/.#-_~")
        return url

    def md_path(self, target: Entity | str) -> str | None:
        """The relative ``.md`` path of an entity, for Markdown links MkDocs resolves and checks."""
        key = target.key if isinstance(target, Entity) else target
        src = self.src_of.get(key)
        if src is None:
            return None
        return quote(relative(src, posixpath.dirname(self.current)), safe="/.#-_~")
