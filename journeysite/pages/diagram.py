"""Diagrams in pages: rendered SVG inlined with per-page links, a legend, or the DOT source when there is no SVG."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagrams import LINK_SCHEME, Diagram, team_colours
from ..dot_render import Rendered, prepare_svg
from ..links import Linker
from ..markup import link, listing, text
from ..model import Entity, Handbook

_SLOT = re.compile(r'(<div class="jsite-scroll jsite-diagram-canvas" data-jsite-svg="(\d+)">)(</div>)')
_LINK = re.compile(r'xlink:href="' + re.escape(LINK_SCHEME) + r'([a-z]+:[a-z0-9-]+)"')


@dataclass
class DiagramSet:
    """The site's diagrams, by (kind, subject id), each with its SVG or the reason it has none."""

    handbook: Handbook
    diagrams: dict[tuple[str, str | None], Diagram] = field(default_factory=dict)
    rendered: dict[str, Rendered] = field(default_factory=dict)  # by diagram name
    missing_dot: bool = False
    slots: dict[str, str] = field(default_factory=dict)  # slot id -> SVG, until the page is written

    def html(self, kind: str, subject: Entity | None, linker: Linker) -> str:
        diagram = self.diagrams.get((kind, subject.id if subject else None))
        if diagram is None:
            return ""
        result = self.rendered.get(diagram.name)
        if result is None or result.svg is None:
            reason = ("Graphviz is not installed, so this diagram is shown as its source."
                      if self.missing_dot else f"This diagram could not be drawn: {result.error if result else ''}")
            return listing(f'<details class="jsite-diagram-source"><summary>{text(diagram.title)}: {text(reason)}'
                         f"</summary><pre><code>{text(diagram.dot)}</code></pre></details>")
        svg = prepare_svg(result.svg, f"jsite-{diagram.name}", diagram.title)
        svg = _fit(_LINK.sub(lambda m: _href(linker, m.group(1)), svg))
        legend = self._legend(diagram, linker)
        # The SVG waits in a slot until the page is HTML (``fill_slots``): Markdown, MkDocs and the
        # search index would otherwise parse every diagram of every page, a third of a large build.
        slot = f"{len(self.slots)}"
        self.slots[slot] = _one_line(svg)
        return listing(f'<figure class="jsite-diagram" aria-label="{text(diagram.title)}">'
                     f'<div class="jsite-scroll jsite-diagram-canvas" data-jsite-svg="{slot}"></div>'
                     f"{legend}</figure>")

    def fill_slots(self, html: str) -> str:
        """Put each diagram's SVG into its slot in a page's final HTML."""
        if "data-jsite-svg" not in html:
            return html
        return _SLOT.sub(lambda m: m.group(1) + self.slots.pop(m.group(2), "") + m.group(3), html)

    def _legend(self, diagram: Diagram, linker: Linker) -> str:
        colours = team_colours(self.handbook)
        teams = [t for t in sorted(self.handbook.of_kind("team"), key=lambda t: t.id)
                 if f'"{colours[t.id][0]}"' in diagram.dot or f"={colours[t.id][0]}" in diagram.dot]
        if not teams:
            return ""
        chips = "".join(
            f'<li><span class="jsite-swatch" style="background:{colours[t.id][0]};border-color:{colours[t.id][1]}">'
            f"</span>{link(linker, t)}</li>" for t in teams)
        gap = '<li><span class="jsite-swatch jsite-swatch-gap"></span>missing handoff</li>' if "gap: no handoff" in diagram.dot else ""
        return f'<figcaption class="jsite-legend"><span>Owner:</span><ul>{chips}{gap}</ul></figcaption>'


def _href(linker: Linker, key: str) -> str:
    href = linker.href(key)
    return f'href="{text(href)}"' if href else ""


def _one_line(svg: str) -> str:
    """The SVG on one line: a blank line inside would end Markdown's raw HTML block."""
    return " ".join(line.strip() for line in svg.splitlines() if line.strip())


_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


def _fit(svg: str) -> str:
    """Let a diagram shrink to the column down to 60% of its natural size; wider ones scroll instead."""
    match = _SIZE.search(svg)
    if not match:
        return svg
    width = float(match.group(2)) * 4 / 3  # points to CSS pixels
    style = f"width:100%;max-width:{width:.0f}px;min-width:{width * 0.6:.0f}px;height:auto"
    return svg[: match.end()] + f' style="{style}"' + svg[match.end():]
