"""``journey.json``: the whole validated model, the journeys per segment and the diagnostics, for other tools."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from journeysite import version
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
        "review": review.as_dict() if review else None,
    }


def journey_json(
    handbook: Handbook,
    diagnostics: list[Diagnostic],
    review: dict[str, ReviewItem],
    urls: dict[str, str],
    today: date,
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
                        "owner": step.stage.owner,
                        "milestones": [{"milestone": m.id, "owner": m.owner} for m in step.milestones],
                    }
                    for step in journey.stages
                ],
            }
            for journey in handbook.journeys
        ],
        "diagnostics": [d.as_dict() for d in sorted(diagnostics, key=Diagnostic.sort_key)],
        "counts": counts(diagnostics),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    # "<" as \u003c: still the same JSON, and harmless if a tool ever pastes it into HTML.
    return text.replace("<", "\\u003c")
