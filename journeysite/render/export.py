"""``journey.json``: the whole validated model, the journeys per segment and the diagnostics, for other tools."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from journeysite import version
from journeysite.core.analysis.accepting import Accepted
from journeysite.core.analysis.capacity import Capacity
from journeysite.core.analysis.gaps import moves, segment_handoffs
from journeysite.core.analysis.review import ReviewItem
from journeysite.core.diagnostics import Diagnostic, counts
from journeysite.core.model import Handbook
from journeysite.core.schema import KINDS

FORMAT_VERSION = 1


def _entity(entity, review: ReviewItem | None, url: str | None) -> dict[str, Any]:
    fields = {k: v for k, v in entity.data.items() if k not in ("kind", "id")}
    return {
        "kind": entity.kind,
        "id": entity.id,
        "title": entity.title,
        "file": entity.file,
        "url": url,
        "status": entity.status,
        "owner": entity.owner,
        "fields": fields,
        **_as_read(entity),
        "review": review.as_dict() if review else None,
    }


def _as_read(entity) -> dict[str, Any]:
    """The fields that may be written in several forms, in the one form journeysite reads them: a
    playbook's triggers (always a list), a segment's accounts per CSM (a range) and thresholds (the
    ``{measure, min, max, unit}`` items of its criteria), a team's handles (from
    ``github`` or ``handles``) and headcount."""
    if entity.kind == "playbook":
        return {"triggers": [{"kind": t.kind, "value": t.value} for t in entity.triggers]}
    if entity.kind == "segment":
        per_csm = entity.accounts_per_csm
        return {
            "accounts_per_csm": per_csm.as_dict() if per_csm else None,
            "thresholds": [t.as_dict() for t in entity.thresholds],
        }
    if entity.kind == "team":
        return {"handles": list(entity.handles), "headcount": entity.headcount}
    return {}


def journey_json(
    handbook: Handbook,
    diagnostics: list[Diagnostic],
    review: dict[str, ReviewItem],
    urls: dict[str, str],
    today: date,
    accepted: tuple[Accepted, ...] = (),
    capacity: Capacity | None = None,
) -> str:
    """Return the export as JSON text (shape documented in the README)."""
    document = {
        "version": FORMAT_VERSION,
        "generator": f"journeysite {version()}",
        "today": today.isoformat(),
        "entities": {
            kind: [_entity(e, review.get(e.file), urls.get(e.key)) for e in handbook.of_kind(kind)]
            for kind in KINDS
        },
        "journeys": [
            {
                "segment": journey.segment_id,
                "title": journey.label,
                "stages": [
                    {
                        "stage": step.stage.id,
                        "owner": step.owner,
                        "milestones": [
                            {"milestone": m.id, "owner": m.owner_in(journey.segment_id)}
                            for m in step.milestones
                        ],
                    }
                    for step in journey.stages
                ],
            }
            for journey in handbook.journeys
        ],
        "moves": [
            {
                "from": before.id,
                "to": after.id,
                "handoffs": [h.id for h in segment_handoffs(handbook, before, after)],
            }
            for before, after in moves(handbook)
        ],
        "diagnostics": [d.as_dict() for d in sorted(diagnostics, key=Diagnostic.sort_key)],
        "counts": counts(diagnostics),
        "accepted": [{**a.diagnostic.as_dict(), "reason": a.reason} for a in accepted],
        "capacity": (capacity or Capacity()).as_dict(),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    # "<" as \u003c: still the same JSON, and harmless if a tool ever pastes it into HTML.
    return text.replace("<", "\\u003c")
