"""Renderers: each turns the model into the Markdown (with escaped HTML blocks) of one kind of page.

A renderer takes a ``Context`` and returns text; it never reads files or validates anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from journeysite.core.analysis.accepting import Accepted
from journeysite.core.analysis.capacity import Capacity
from journeysite.core.analysis.gaps import missing_handoffs
from journeysite.core.analysis.review import ReviewItem
from journeysite.core.diagnostics import Diagnostic
from journeysite.core.model import Entity, Handbook
from journeysite.core.relations import Relations
from journeysite.core.settings import Settings
from journeysite.render.links import Linker


@dataclass
class Context:
    """Everything a renderer may read: the model, its analysis, and a linker positioned at the page."""

    handbook: Handbook
    relations: Relations
    diagnostics: list[Diagnostic]
    settings: Settings
    review: dict[str, ReviewItem]  # by file, relative to docs_dir
    today: date
    linker: Linker
    diagrams: Any = None  # pages.diagram.DiagramSet, when diagrams are on
    site_url: str | None = None
    accepted: tuple[Accepted, ...] = ()  # findings the pages accept, with their reasons
    capacity: Capacity = field(default_factory=Capacity)  # the hours each team's steps take

    def diagram(self, kind: str, subject: Entity | None) -> str:
        """The HTML of a journey diagram ("journey", "segment", "stage", "team") for this page, or ""."""
        return self.diagrams.html(kind, subject, self.linker) if self.diagrams else ""

    def at(self, src_uri: str) -> Context:
        """The same context, rendering the page at ``src_uri``."""
        return replace(self, linker=self.linker.at(src_uri))

    @property
    def gap_entities(self) -> frozenset[str]:
        """The stages and milestones after which the analysis reports a missing handoff."""
        return missing_handoffs(self.diagnostics)

    def team(self, team_id: str | None) -> Entity | None:
        return self.handbook.get("team", team_id) if team_id else None
