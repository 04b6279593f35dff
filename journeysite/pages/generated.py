"""Generated pages: dispatch each page of the site plan to its renderer, with its title as front matter."""

from __future__ import annotations

from ..markup import md
from ..site import GeneratedPage
from . import Context, gaps_report, grid, overview, raci, review_status, start_here

RENDERERS = {
    "page:start-here": start_here.render,
    "page:overview": overview.render,
    "page:grid": grid.render,
    "page:raci": raci.render,
    "page:gaps": gaps_report.render,
    "page:review": review_status.render,
}


def render(page: GeneratedPage, context: Context) -> str:
    """The Markdown source of a generated page."""
    body = RENDERERS[page.name](context)
    return f"---\ntitle: {page.title}\n---\n\n# {md(page.title)}\n\n{body}\n"
