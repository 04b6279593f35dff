"""Markup helpers for the renderers: every text from front matter goes through ``text()`` or ``md()``."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from journeysite.core.model import Entity
from journeysite.render import stash
from journeysite.render.links import Linker

# Python-Markdown's escapable characters; < > & are already entities by then.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def text(value: object) -> str:
    """Escape any value for HTML."""
    return html.escape("" if value is None else str(value), quote=True)


def md(value: object) -> str:
    """Escape any value for inline Markdown: no emphasis, links or raw HTML can come from it."""
    escaped = html.escape("" if value is None else str(value), quote=False)
    escaped = escaped.replace("\n", " ")
    # html.escape already turned < > & into entities; protect the entity ampersands from the regex.
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def link(
    linker: Linker, entity: Entity | None, label: str | None = None, fallback: str = "", tip: bool = False
) -> str:
    """An HTML link to an entity's page with its title (escaped), or plain text when it has no page.

    ``tip``: the summary as a tooltip — only where the summary is not shown next to the link
    (on every link it would repeat each summary thousands of times in a large handbook).
    """
    if entity is None:
        return text(fallback)
    shown = text(label if label is not None else entity.title)
    href = linker.href(entity)
    tip_text = f' title="{text(entity.summary)}"' if tip and entity.summary else ""
    css = f' class="jsite-link jsite-{entity.kind}{" jsite-retired" if not entity.active else ""}"'
    return f'<a href="{text(href)}"{css}{tip_text}>{shown}</a>' if href else shown


def links(linker: Linker, entities: Iterable[Entity | None], sep: str = ", ") -> str:
    return sep.join(link(linker, e) for e in entities if e is not None)


def tag(name: str, content: str, css: str | None = None, **attrs: str) -> str:
    attributes = "".join(f' {k.rstrip("_").replace("_", "-")}="{text(v)}"' for k, v in attrs.items())
    cls = f' class="{text(css)}"' if css else ""
    return f"<{name}{cls}{attributes}>{content}</{name}>"


HTML_OPEN, HTML_CLOSE = stash.MARKERS[stash.HTML]
LISTING_OPEN, LISTING_CLOSE = stash.MARKERS[stash.LISTING]
_SENTINELS = (HTML_OPEN, HTML_CLOSE, LISTING_OPEN, LISTING_CLOSE)


def block(html_text: str, indexed: bool = True) -> str:
    """A raw HTML block for Markdown, marked so the plugin can keep it out of Markdown's way.

    Valid Markdown as it is (one line per element, no blank lines inside, blank lines around); the
    plugin swaps each marked block for a placeholder before Markdown runs and puts it back after, so
    Python-Markdown and MkDocs do not parse the generated HTML again (most of a large build's time).

    ``indexed=False`` marks a listing of other pages (backlinks, a team's moments, the grid): it goes
    into the page only once the search plugin has indexed it, so a search finds the page a text
    belongs to rather than every list that repeats it (and a large handbook's index stays small).
    """
    lines = [line for line in html_text.splitlines() if line.strip() and line not in _SENTINELS]
    opening, closing = (HTML_OPEN, HTML_CLOSE) if indexed else (LISTING_OPEN, LISTING_CLOSE)
    return f"\n{opening}\n" + "\n".join(lines) + f"\n{closing}\n\n"


def listing(html_text: str) -> str:
    """A block of links to other pages: shown on the page, left out of the search index."""
    return block(html_text, indexed=False)


def table(
    headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "jsite-table", indexed: bool = True
) -> str:
    """An HTML table (cells already escaped/marked up) wrapped so it scrolls on narrow screens."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return block(
        f'<div class="jsite-scroll">\n<table class="{css}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>',
        indexed,
    )


def items(values: Iterable[str], css: str = "jsite-list") -> str:
    """An HTML list of already-marked-up items."""
    return "\n".join([f'<ul class="{css}">', *(f"<li>{v}</li>" for v in values), "</ul>"])
