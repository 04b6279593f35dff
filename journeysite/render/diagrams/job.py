"""A build's diagrams from start to finish: their DOT, drawn by ``dot`` in the background while the
pages are written, and what to tell the user once the build is done."""

from __future__ import annotations

from pathlib import Path

from journeysite.render.diagrams import dot
from journeysite.render.diagrams.drawing import INSTALL_HELP, DotRenderer
from journeysite.render.diagrams.inline import DiagramSet
from journeysite.render.pages import Context
from journeysite.render.stash import Stash


class DiagramJob:
    """Starts every diagram of a build and, at its end, reports what could not be drawn."""

    def __init__(self, cache_dir: Path, deadline: float) -> None:
        self.renderer = DotRenderer(cache_dir, deadline=deadline)
        self.deadline = deadline
        self.diagrams: DiagramSet | None = None

    @property
    def warnings_at_start(self) -> list[str]:
        if not self.renderer.available:
            return [
                f"Graphviz's `dot` program was not found, so diagrams are shown as their source: {INSTALL_HELP}"
            ]
        if not self.renderer.usable:
            return [
                f"the diagram cache {self.renderer.cache_dir} (or a folder above it) is a symbolic link, so "
                "journeysite neither reads nor writes it and draws every diagram: remove the link (the cache "
                "is never committed)"
            ]
        return []

    def start(
        self, context: Context, stash: Stash, found: dict[tuple[str, str | None], dot.Diagram] | None = None
    ) -> DiagramSet:
        """Build every diagram's DOT (or take ``found``, made from the same model) and start drawing what
        the cache does not already hold: ``dot`` draws on the other core while MkDocs renders the pages."""
        if found is None:
            found = dot.all_diagrams(context.handbook, context.relations, context.gap_entities)
        if not self.renderer.available:
            self.diagrams = DiagramSet(context.handbook, stash, found, {}, missing_dot=True)
        else:
            rendered = self.renderer.start_all({d.name: d.dot for d in found.values()})
            self.diagrams = DiagramSet(context.handbook, stash, found, rendered)
        return self.diagrams

    def drawn(self, name: str) -> str | None:
        """``DiagramSet.drawn``: a digest of the SVG this build has for the diagram ``name``, if any."""
        return self.diagrams.drawn(name) if self.diagrams is not None else None

    def figures(self, html: str) -> dict[str, str] | None:
        """``DiagramSet.figures``: the drawing of each diagram whose figure ``html`` shows."""
        return self.diagrams.figures(html) if self.diagrams is not None else None

    def finish(self) -> list[str]:
        """Wait for the drawing (each page already waited for its own), prune the cache, and return the
        warnings: one per diagram that failed, one for all that the deadline left undrawn."""
        if self.diagrams is None or not self.renderer.available:
            return []
        self.renderer.close()
        warnings, out_of_time = [], 0
        for diagram in self.diagrams.diagrams.values():
            result = self.diagrams.result(diagram)
            if result is not None and result.out_of_time:
                out_of_time += 1
            elif result is not None and result.error:
                warnings.append(f"the diagram '{diagram.title}' could not be drawn: {result.error}")
        if out_of_time:
            warnings.append(
                f"Graphviz used up its {self.deadline:g} seconds for this build, so {out_of_time} diagram(s) "
                "are shown as their source: check that `dot` works (`dot -V`), or raise the journeysite "
                "option `dot_deadline`"
            )
        self.renderer.prune()
        return warnings

    def cancel(self) -> None:
        """Drop the drawings not started yet (a failed build, Ctrl-C)."""
        self.renderer.close(cancel=True)
