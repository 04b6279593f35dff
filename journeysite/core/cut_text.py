"""Text cut by a comment: plain values that a `` #`` on their line cut short (``text-cut-by-comment``)."""

from __future__ import annotations

import copy
from typing import Any

from journeysite.core import neutral
from journeysite.core.diagnostics import WARNING, Diagnostic
from journeysite.core.model import Handbook
from journeysite.core.reading.frontmatter import CutText
from journeysite.core.schema import KINDS, field_name, schema_errors

CODE = "text-cut-by-comment"


def check(handbook: Handbook) -> list[Diagnostic]:
    """A warning for every text value of a page that YAML cut at a `` #``, on the line of the cut.

    Of an entity's fields, only those that would take the whole text count: where the schema wants an
    id, a date, a duration or one of a few words (``owner: sales  # since May``), what follows ``#``
    can only be a comment."""
    found: list[Diagnostic] = []
    for page in handbook.pages:
        if page.front is None or not page.front.cuts:
            continue
        entity = handbook.entity_of(page.file)
        kind = page.meta.get("kind")
        for cut in page.front.cuts:
            if kind in KINDS and not _takes_whole_text(kind, page.front.data, cut):
                continue
            found.append(
                Diagnostic(CODE, WARNING, page.file, cut.line, _message(cut), entity.key if entity else None)
            )
    return found


def _message(cut: CutText) -> str:
    comment = cut.whole[len(cut.read) :].strip()
    return (
        f"`{neutral.line(cut.written)}` is cut at ` #`, which YAML reads as the start of a comment, so "
        f"`{neutral.line(field_name(cut.path))}` is only `{neutral.line(cut.read)}`: to keep the whole text, "
        f"put it in quotes — `{neutral.line(cut.fixed)}` — or, if `{neutral.line(comment)}` is a comment, move "
        "it to a line of its own"
    )


def _takes_whole_text(kind: str, data: Any, cut: CutText) -> bool:
    """Whether the schema of ``kind`` accepts the whole text where the cut text stands."""
    patched = copy.deepcopy(data)
    container = patched
    for part in cut.path[:-1]:
        container = _child(container, part)
        if container is None:
            return True  # a key YAML reads as a number or yes/no: judge it as text
    last = cut.path[-1]
    if isinstance(container, list) and isinstance(last, int) and last < len(container):
        container[last] = cut.whole
    elif isinstance(container, dict) and last in container:
        container[last] = cut.whole
    else:
        return True
    return not any(tuple(e.absolute_path) == cut.path for e in schema_errors(kind, patched))


def _child(container: Any, part: str | int) -> Any:
    if isinstance(container, list) and isinstance(part, int) and part < len(container):
        return container[part]
    if isinstance(container, dict):
        return container.get(part)
    return None
