"""Accepted findings (SPEC §7.3): an entity's ``accept`` items turn matching warnings and infos into
accepted ones, each with its reason; an item that matches nothing is the warning ``stale-accept``."""

from __future__ import annotations

from dataclasses import dataclass, replace

from journeysite.core.diagnostics import ERROR, WARNING, Diagnostic, did_you_mean
from journeysite.core.model import Entity, Handbook


@dataclass(frozen=True, slots=True)
class AcceptItem:
    """One item of an entity's ``accept``."""

    entity: Entity
    index: int
    code: str
    reason: str
    segments: tuple[str, ...] | None  # None: in every segment's journey


@dataclass(frozen=True, slots=True)
class Accepted:
    """A finding that is known and accepted, with the reason its page gives."""

    diagnostic: Diagnostic
    reason: str


def items(entity: Entity) -> list[AcceptItem]:
    raw = entity.get("accept")
    found = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            continue
        reason = item.get("reason")
        segments = item.get("segments")
        found.append(
            AcceptItem(
                entity,
                index,
                item["code"],
                reason.strip() if isinstance(reason, str) else "",
                tuple(s for s in segments if isinstance(s, str)) if isinstance(segments, list) else None,
            )
        )
    return found


def apply(
    handbook: Handbook,
    diagnostics: list[Diagnostic],
    silenced: frozenset[str],
    known: tuple[str, ...],
    stale: bool = True,
) -> tuple[list[Diagnostic], list[Accepted]]:
    """Split ``diagnostics`` into those still reported (with a ``stale-accept`` for each item that matches
    nothing) and the accepted ones. A finding found in several segments' journeys is accepted for the
    segments an item names and stays reported for the others. Errors are never accepted; an item for a
    code that is turned off or raised to an error (``silenced``) is not stale, nor is any item while
    ``stale`` is false (the findings are not settled: a page has an error)."""
    by_entity: dict[str, list[AcceptItem]] = {}
    for entity in handbook.all():
        if entity.valid:
            for item in items(entity):
                by_entity.setdefault(entity.key, []).append(item)
    if not by_entity:
        return diagnostics, []
    used: set[tuple[str, int]] = set()
    reported: list[Diagnostic] = []
    accepted: list[Accepted] = []
    for d in diagnostics:
        remaining: Diagnostic | None = d
        for item in by_entity.get(d.entity or "", []) if d.severity != ERROR else []:
            if remaining is None:
                break
            if item.code != remaining.code:
                continue
            taken: tuple[str, ...]
            left: tuple[str, ...]
            if item.segments is None:
                taken, left = remaining.segments, ()
            else:
                taken = tuple(s for s in remaining.segments if s in item.segments)
                left = tuple(s for s in remaining.segments if s not in item.segments)
                if not taken and remaining.segments:  # a finding of no segment is accepted as it is
                    continue
            used.add((item.entity.key, item.index))
            accepted.append(Accepted(replace(remaining, segments=taken), item.reason))
            remaining = replace(remaining, segments=left) if left else None
        if remaining is not None:
            reported.append(remaining)
    for entity_items in by_entity.values() if stale else ():
        for item in entity_items:
            if (item.entity.key, item.index) not in used and item.code not in silenced and item.entity.active:
                reported.append(_stale(item, known))
    return reported, accepted


def _stale(item: AcceptItem, known: tuple[str, ...]) -> Diagnostic:
    entity = item.entity
    where = f" in the segments {', '.join(item.segments)}" if item.segments else ""
    if item.code in known:
        message = (
            f"`accept` lists `{item.code}`{where}, but this page has no such finding (any more): remove the "
            "item, so that the finding is reported again if it comes back."
        )
    else:
        message = (
            f"`accept` lists `{item.code}`, which is not a finding journeysite reports, so it accepts nothing:"
            f" give the code as `journeysite check` prints it.{did_you_mean(item.code, known)}"
        )
    return Diagnostic(
        "stale-accept",
        WARNING,
        entity.file,
        max(1, entity.line_of("accept", item.index)),
        message,
        entity.key,
    )
