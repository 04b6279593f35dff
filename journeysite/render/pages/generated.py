"""Generated pages: dispatch each page of the site plan to its renderer, with its title as front matter."""

from __future__ import annotations

from journeysite.render.markup import md
from journeysite.render.pages import (
    Context,
    capacity,
    gaps_report,
    grid,
    handoffs,
    metrics,
    moments,
    overview,
    raci,
    review_status,
    roles,
    start_here,
    systems,
    timeline,
)
from journeysite.render.site import GeneratedPage

RENDERERS = {
    "page:start-here": start_here.render,
    "page:overview": overview.render,
    "page:grid": grid.render,
    "page:timeline": timeline.render,
    "page:moments": moments.render,
    "page:handoffs": handoffs.render,
    "page:roles": roles.render,
    "page:raci": raci.render,
    "page:systems": systems.render,
    "page:metrics": metrics.render,
    "page:gaps": gaps_report.render,
    "page:review": review_status.render,
    "page:capacity": capacity.render,
}

# Wide pages give mkdocs-material's sidebars' room to the diagram, the grid and the matrix.
WIDE = {
    "page:overview": ("toc",),
    "page:grid": ("navigation", "toc"),
    "page:timeline": ("navigation", "toc"),
    "page:raci": ("navigation", "toc"),
}


def render(page: GeneratedPage, context: Context) -> str:
    """The Markdown source of a generated page."""
    body = RENDERERS[page.name](context)
    hide = "".join(f"\n  - {part}" for part in WIDE.get(page.name, ()))
    front = f"title: {page.title}" + (f"\nhide:{hide}" if hide else "")
    return f"---\n{front}\n---\n\n# {md(page.title)}\n\n{body}\n"
