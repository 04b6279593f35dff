"""Diagrams in pages: rendered SVG inlined with per-page links, a legend, or the DOT source when there is no SVG."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import Future
from dataclasses import dataclass, field
from html import unescape as html_unescape

from journeysite.core.model import Entity, Handbook
from journeysite.render import sanitise
from journeysite.render.diagrams.dot import CELEBRATED, LINK_SCHEME, Diagram, team_colours
from journeysite.render.diagrams.drawing import Rendered, prepare_svg
from journeysite.render.links import Linker
from journeysite.render.markup import link, listing, text
from journeysite.render.stash import LISTING, Stash

_LINK = re.compile(r'xlink:href="' + re.escape(LINK_SCHEME) + r'([a-z]+:[a-z0-9-]+)"')
_DOT_LINK = re.compile(re.escape(LINK_SCHEME) + r"([a-z]+:[a-z0-9-]+)")
FIGURE = 'class="jsite-diagram"'  # in a page's HTML only when it shows a figure (or mentions one)
_FIGURE = re.compile(r'<figure class="jsite-diagram" aria-label="[^"]*" data-name="([^"]*)">')


@dataclass
class DiagramSet:
    """The site's diagrams, by (kind, subject id), each with its SVG (perhaps still being drawn) or the
    reason it has none."""

    handbook: Handbook
    stash: Stash
    diagrams: dict[tuple[str, str | None], Diagram] = field(default_factory=dict)
    rendered: dict[str, Future[Rendered]] = field(default_factory=dict)  # by diagram name
    missing_dot: bool = False
    _digests: dict[str, str | None] = field(default_factory=dict)

    def html(self, kind: str, subject: Entity | None, linker: Linker) -> str:
        """A placeholder for the diagram, put back once the search plugin has indexed the page: by then
        ``dot`` has had most of the build to draw it, and Markdown and the search index never parse the
        SVG."""
        diagram = self.diagrams.get((kind, subject.id if subject else None))
        if diagram is None:
            return ""
        figure = lambda: self._figure(diagram, linker)  # noqa: E731
        identity = self._identity(diagram, linker)
        return listing(self.stash.put(LISTING, figure, identity, ready=lambda: self._drawn(diagram)))

    def put_figures(self, linker: Linker) -> None:
        """Put the figure of each diagram of an entity page in the stash, as that page will: a copy of the
        build forked after this (``parallel``) makes the page with the same placeholder, which the
        parent's stash then holds (the figure is drawn on the parent's threads)."""
        for kind, subject_id in self.diagrams:
            entity = self.handbook.get(kind, subject_id) if subject_id is not None else None
            if entity is not None:
                self.html(kind, entity, linker.at(entity.file))

    def _drawn(self, diagram: Diagram) -> bool:
        """Whether ``dot`` has drawn ``diagram``, so that its figure can be made without waiting. (One
        shown as its source is not: a page showing it is never kept, so no copy of the build makes it.)"""
        future = None if self.missing_dot else self.rendered.get(diagram.name)
        return (
            future is not None
            and future.done()
            and future.exception() is None
            and future.result().svg is not None
        )

    def _identity(self, diagram: Diagram, linker: Linker) -> str:
        """Everything the figure of ``diagram`` depends on but the SVG ``dot`` draws from its DOT: the same
        identity gives the same placeholder in every build (``stash``), so ``mkdocs serve`` can keep it."""
        colours = team_colours(self.handbook)
        teams = [
            (
                team_id,
                colours.get(team_id),
                t.title if t else None,
                linker.href(t) if t else None,
                t and t.active,
            )
            for team_id in diagram.teams
            for t in [self.handbook.get("team", team_id)]
        ]
        links = [(key, linker.href(key)) for key in sorted(set(_DOT_LINK.findall(diagram.dot)))]
        return repr((diagram, self.missing_dot, teams, links))

    def drawn(self, name: str) -> str | None:
        """A digest of the SVG ``dot`` gave the diagram ``name`` in this build, once it has one; None
        while it is drawing or when it has none. A page's figure is a function of its placeholder's
        identity (in the page's fingerprint) and of that SVG: a page kept from another build shows this
        build's figure only when the digests are the same."""
        if name not in self._digests:
            future = self.rendered.get(name)
            if future is None or not future.done():
                return None
            svg = future.result().svg if future.exception() is None else None
            self._digests[name] = (
                hashlib.blake2b(svg.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
                if svg
                else None
            )
        return self._digests[name]

    def figures(self, html: str) -> dict[str, str] | None:
        """The diagrams whose figure ``html`` shows (name -> ``drawn``); None when one has no drawing."""
        found = {}
        for name in {html_unescape(n) for n in _FIGURE.findall(html)}:
            drawn = self.drawn(name)
            if drawn is None:
                return None
            found[name] = drawn
        return found

    def result(self, diagram: Diagram) -> Rendered | None:
        future = self.rendered.get(diagram.name)
        return future.result() if future is not None else None

    def _figure(self, diagram: Diagram, linker: Linker) -> str:
        result = None if self.missing_dot else self.result(diagram)
        if result is None or result.svg is None:
            reason = (
                "Graphviz is not installed, so this diagram is shown as its source."
                if self.missing_dot
                else f"This diagram could not be drawn: {result.error if result else ''}"
            )
            return (
                f'<details class="jsite-diagram-source"><summary>{text(diagram.title)}: {text(reason)}'
                f"</summary><pre><code>{text(diagram.dot)}</code></pre></details>"
            )
        svg = prepare_svg(result.svg, f"jsite-{diagram.name}", diagram.title)
        svg = _fit(sanitise.diagram_svg(_LINK.sub(lambda m: _href(linker, m.group(1)), svg)))
        return (
            f'<figure class="jsite-diagram" aria-label="{text(diagram.title)}" data-name="{text(diagram.name)}">'
            f'<div class="jsite-scroll jsite-diagram-canvas">{svg}</div>'
            f"{self._legend(diagram, linker)}</figure>"
        )

    def _legend(self, diagram: Diagram, linker: Linker) -> str:
        colours = team_colours(self.handbook)
        chips = "".join(
            f'<li><span class="jsite-swatch" style="background:{colours[t.id][0]};border-color:{colours[t.id][1]}">'
            f"</span>{link(linker, t)}</li>"
            for t in (self.handbook.get("team", team_id) for team_id in diagram.teams)
            if t is not None
        )
        if not chips:
            return ""
        gap = (
            '<li><span class="jsite-swatch jsite-swatch-gap"></span>missing handoff</li>'
            if diagram.gap
            else ""
        )
        celebrated = (
            f'<li><span class="jsite-legend-mark" aria-hidden="true">{CELEBRATED}</span>celebrated moment of truth</li>'
            if diagram.celebrated
            else ""
        )
        return f'<figcaption class="jsite-legend"><span>Owner:</span><ul>{chips}{gap}{celebrated}</ul></figcaption>'


def _href(linker: Linker, key: str) -> str:
    href = linker.href(key)
    return f'href="{text(href)}"' if href else ""


_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


def _fit(svg: str) -> str:
    """Show a diagram at its natural size, shrunk to the column when that is narrower: it never scrolls
    sideways inside the page (the full-screen view zooms and pans instead)."""
    match = _SIZE.search(svg)
    if not match:
        return svg
    width = float(match.group(2)) * 4 / 3  # points to CSS pixels
    style = f"width:{width:.0f}px;max-width:100%;height:auto"
    return svg[: match.end()] + f' style="{style}"' + svg[match.end() :]
