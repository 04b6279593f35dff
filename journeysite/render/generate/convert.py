"""A page people wrote, made safe for a builder that runs no sanitiser: converted here with the project's
Markdown extensions, sanitised as the plugin sanitises it (``sanitise.page_html``), and written back as
Markdown whose only Markdown is its headings (escaped text, so the builder's table of contents and
search sections stay) and whose every other part is one raw HTML block the builder passes through.

Without this, the builder would convert what a pull request wrote with nothing between it and the site:
raw ``<script>``, ``onerror=``, ``attr_list``'s ``{onclick=…}``, ``[x](javascript:…)`` would all survive.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import markdown  # type: ignore[import-untyped]  # ships no type information
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

from journeysite.render import markup, sanitise
from journeysite.render.links import page_url
from journeysite.render.stash import Stash

# What MkDocs always adds in front of a project's markdown_extensions (mkdocs.config.defaults).
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
# What Python-Markdown takes as the start of a raw HTML block (markdown.util.BLOCK_LEVEL_ELEMENTS).
BLOCK_LEVEL = frozenset(markdown.Markdown().block_level_elements)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def extensions(configured: Any) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The extensions and their options as MkDocs would load them from ``markdown_extensions`` (a list of
    names or one-key mappings); options a YAML tag stood for (``!!python/name:``) are left out."""
    names = list(BUILTIN_EXTENSIONS)
    options: dict[str, dict[str, Any]] = {}
    items = configured if isinstance(configured, list) else [configured] if configured else []
    if isinstance(configured, dict):
        items = [{key: value} for key, value in configured.items()]
    for item in items:
        if isinstance(item, str):
            name, option = item, None
        elif isinstance(item, dict) and len(item) == 1:
            name, option = next(iter(item.items()))
        else:
            continue
        if not isinstance(name, str):
            continue
        if name not in names:
            names.append(name)
        if isinstance(option, dict):
            options[name] = {k: v for k, v in option.items() if _plain(v)}
    return names, options


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return value is None or isinstance(value, str | int | float | bool)


class Converter:
    """One Python-Markdown, reset for each page, with the project's extensions and a link rewriter."""

    def __init__(self, names: list[str], options: dict[str, dict[str, Any]], use_directory_urls: bool):
        self.use_directory_urls = use_directory_urls
        self.current = ""
        self.rewrite = True
        self.attr_list = "attr_list" in names or "markdown.extensions.attr_list" in names
        self.md = markdown.Markdown(extensions=names, extension_configs=options)
        self.md.treeprocessors.register(_Links(self.md, self._link), "journeysite_links", 0)

    def html(self, text: str, src_uri: str, rewrite: bool) -> str:
        """The page's HTML, sanitised; ``rewrite``: relative links made URLs as MkDocs makes them (for a
        builder that leaves raw HTML alone), else left as the source paths they are."""
        self.current, self.rewrite = src_uri, rewrite
        self.md.reset()
        # (placeholders in HTML's form before the sanitiser, as the plugin does: ``Stash.from_markdown``)
        return sanitise.page_html(Stash.from_markdown(self.md.convert(text)))

    def _link(self, value: str) -> str:
        if not self.rewrite:
            return value
        return relative_link(value, self.current, self.use_directory_urls)

    def markdown(self, html: str, restore: Callable[[str], str]) -> str:
        """Sanitised HTML as Markdown: each top-level heading a Markdown heading of escaped text (with its
        id, where ``attr_list`` can carry it), the HTML between them raw blocks (``raw_markdown``) once
        ``restore`` has put the generated HTML back into it."""
        out: list[str] = []
        position = 0
        for item in _top_level(html) or []:
            if item.heading is None or not item.heading[1]:
                continue
            level, text, anchor = item.heading
            out.append(raw_markdown(restore(html[position : item.start])))
            suffix = f" {{#{anchor}}}" if self.attr_list and anchor and _SAFE_ID.match(anchor) else ""
            out.append(f"\n{'#' * level} {markup.md(text)}{suffix}\n\n")
            position = item.end
        out.append(raw_markdown(restore(html[position:])))
        return "".join(out)


def raw_markdown(html: str) -> str:
    """HTML as Markdown that no Markdown parser looks into: each top-level block element (``<p>``,
    ``<div>``, ``<table>``…) alone from the start of a line, every run of anything else wrapped in a
    ``<div>``, blank lines between them. HTML whose elements do not close as they open is wrapped whole."""
    if not html.strip():
        return ""
    items = _top_level(html)
    if items is None:
        return f"\n\n{_wrapped(html)}\n\n"
    out: list[str] = []
    run: list[str] = []
    for item in items:
        piece = html[item.start : item.end]
        if item.tag in BLOCK_LEVEL:
            if "".join(run).strip():
                out.append(_wrapped("".join(run)))
            run = []
            out.append(piece.strip())
        else:
            run.append(piece)
    if "".join(run).strip():
        out.append(_wrapped("".join(run)))
    return "\n\n" + "\n\n".join(out) + "\n\n"


def _wrapped(html: str) -> str:
    return f'<div class="jsite-block">\n{html.strip()}\n</div>'


def relative_link(value: str, current: str, use_directory_urls: bool) -> str:
    """A relative link of the page at ``current`` as MkDocs writes it: ``../b.md#x`` → ``../b/#x``,
    ``img.png`` → ``../img.png`` with directory URLs. Absolute URLs and fragments are left alone."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return value
    target = posixpath.normpath(posixpath.join(posixpath.dirname(current), parts.path))
    if target.startswith("../") or target == "..":
        return value
    url = page_url(target, use_directory_urls) if target.endswith(".md") else target
    here = page_url(current, use_directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    relative = posixpath.relpath(url or ".", base.rstrip("/") or ".")
    if relative == ".":
        relative = "./"
    elif url.endswith("/"):
        relative += "/"
    return urlunsplit(("", "", relative, parts.query, parts.fragment))


class _Links(Treeprocessor):
    """Rewrites every ``href`` and ``src`` of the converted page (MkDocs does the same while converting)."""

    def __init__(self, md: markdown.Markdown, rewrite: Callable[[str], str]):
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, root: Any) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value:
                    element.set(attribute, self.rewrite(value))


@dataclass
class _Item:
    """A top-level piece of HTML: an element (its tag; a heading's level, text and id), or text."""

    start: int
    end: int
    tag: str | None = None
    heading: tuple[int, str, str | None] | None = None


class _TopLevel(HTMLParser):
    """Splits HTML into its top-level elements and the text between them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.source = html
        self.lines = [0]  # the offset of each line's start, lines as HTMLParser counts them
        for line in html.split("\n"):
            self.lines.append(self.lines[-1] + len(line) + 1)
        self.depth = 0
        self.broken = False
        self.items: list[_Item] = []
        self.open: _Item | None = None
        self.text: list[str] = []
        self.skip = 0  # inside the permalink of a heading
        self.last = 0  # where the last top-level item ended

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def text_until(self, offset: int) -> None:
        if offset > self.last:
            self.items.append(_Item(self.last, offset))
        self.last = offset

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            start = self._offset()
            self.text_until(start)
            if tag in _VOID:
                end = self.source.index(">", start) + 1
                self.items.append(_Item(start, end, tag))
                self.last = end
                return
            self.open = _Item(start, start, tag)
            if re.fullmatch(r"h[1-6]", tag):
                self.open.heading = (int(tag[1]), "", dict(attrs).get("id"))
                self.text = []
        elif tag in _VOID:
            return
        elif self.skip or (
            self.open is not None
            and self.open.heading is not None
            and tag == "a"
            and "headerlink" in (dict(attrs).get("class") or "")
        ):
            self.skip += 1
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth -= 1
        if self.depth < 0:
            self.broken = True
            self.depth = 0
            return
        if self.skip:
            self.skip -= 1
        if self.depth == 0 and self.open is not None:
            end = self.source.index(">", self._offset()) + 1
            self.open.end = end
            if self.open.heading is not None:
                level, _, anchor = self.open.heading
                self.open.heading = (level, " ".join("".join(self.text).split()), anchor)
            self.items.append(self.open)
            self.open, self.last = None, end

    def handle_data(self, data: str) -> None:
        if self.open is not None and self.open.heading is not None and not self.skip:
            self.text.append(data)


def _top_level(html: str) -> list[_Item] | None:
    """The top-level items of ``html``, or None when its elements do not close as they open."""
    parser = _TopLevel(html)
    parser.feed(html)
    parser.close()
    if parser.broken or parser.depth or parser.open is not None:
        return None
    parser.text_until(len(html))
    return parser.items
