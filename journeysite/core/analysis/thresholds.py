"""Segment thresholds (SPEC §7.6): segments whose ranges on one measure overlap or leave a hole between
them, so an account would belong to two segments or to none; and one measure given in two units."""

from __future__ import annotations

import math
from collections import defaultdict

from journeysite.core.diagnostics import INFO, Diagnostic
from journeysite.core.model import Entity, Handbook, Threshold, plain_number

CODE = "segment-thresholds"
_RULE = "a range holds its `min` and stops just below its `max`, so max: {0} and min: {0} meet exactly"

Placed = tuple[Entity, Threshold]


def analyse(handbook: Handbook) -> list[Diagnostic]:
    """Every ``segment-thresholds`` finding (info). Ranges are compared per measure and unit, regardless
    of case; each range is compared with the one before it on the scale that reaches furthest."""
    segments = [s for s in handbook.segments if s.active and s.valid]
    position = {s.key: i for i, s in enumerate(segments)}
    by_measure: dict[str, list[Placed]] = defaultdict(list)
    for segment in segments:
        for threshold in segment.thresholds:
            by_measure[threshold.compared_as[0]].append((segment, threshold))
    found: list[Diagnostic] = []
    for placed in by_measure.values():
        found += _other_units(placed, position)
        by_unit: dict[str, list[Placed]] = defaultdict(list)
        for segment, threshold in placed:
            by_unit[threshold.compared_as[1]].append((segment, threshold))
        for group in by_unit.values():
            found += _overlaps_and_holes(group, position)
    return found


def _low(threshold: Threshold) -> float:
    return -math.inf if threshold.min is None else threshold.min


def _high(threshold: Threshold) -> float:
    return math.inf if threshold.max is None else threshold.max


def _overlaps_and_holes(group: list[Placed], position: dict[str, int]) -> list[Diagnostic]:
    """Walk the ranges of one measure and unit from the lowest up: each one starts where the furthest
    reaching range before it stops, or it overlaps it, or leaves a hole."""
    found: list[Diagnostic] = []
    furthest: Placed | None = None
    for segment, threshold in sorted(group, key=lambda p: (_low(p[1]), _high(p[1]), position[p[0].key])):
        if furthest is not None and furthest[0] is not segment:
            reached = _high(furthest[1])
            if _low(threshold) < reached:
                found.append(_overlap(furthest, (segment, threshold), position))
            elif _low(threshold) > reached:
                found.append(_hole(furthest, (segment, threshold), position))
        if furthest is None or _high(threshold) > _high(furthest[1]):
            furthest = (segment, threshold)
    return found


def _overlap(lower: Placed, upper: Placed, position: dict[str, int]) -> Diagnostic:
    here, there = _later_first(lower, upper, position)
    (_, low_t), (_, up_t) = lower, upper
    shared = Threshold(up_t.measure, up_t.min, _lowest_max(low_t, up_t), up_t.unit)
    fixes = []
    if up_t.min is not None and _low(low_t) < up_t.min:
        fixes.append(f"max: {plain_number(up_t.min)} {_where(lower[0], here)}")
    if low_t.max is not None and low_t.max < _high(up_t):
        fixes.append(f"min: {plain_number(low_t.max)} {_where(upper[0], here)}")
    fix = (
        f"Make one range start where the other stops, e.g. {' or '.join(fixes)}."
        if fixes
        else "The two give the same range: change one so that it starts where the other stops."
    )
    message = (
        f"{_shown(upper, here)} overlaps {_shown(lower, here)}: an account with {shared} would be in both "
        f"segments. {fix}"
    )
    return _finding(*here, there, message)


def _hole(lower: Placed, upper: Placed, position: dict[str, int]) -> Diagnostic:
    here, there = _later_first(lower, upper, position)
    (_, low_t), (_, up_t) = lower, upper
    gap = Threshold(up_t.measure, low_t.max, up_t.min, up_t.unit)
    assert low_t.max is not None and up_t.min is not None  # a hole lies between two finite ends
    start, stop = plain_number(up_t.min), plain_number(low_t.max)
    message = (
        f"{_shown(lower, here)} and {_shown(upper, here)} leave a hole: no segment takes an account with "
        f"{gap}. Make one range start where the other stops, e.g. max: {start} {_where(lower[0], here)} "
        f"or min: {stop} {_where(upper[0], here)} ({_RULE.format(start)})."
    )
    return _finding(*here, there, message)


def _other_units(placed: list[Placed], position: dict[str, int]) -> list[Diagnostic]:
    """A measure given in another unit than the first segment that names it gives: not compared, and said."""
    first_segment, first = placed[0]
    found = []
    seen: set[str] = set()
    for segment, threshold in placed[1:]:
        if (
            segment is first_segment
            or threshold.compared_as[1] == first.compared_as[1]
            or segment.key in seen
        ):
            continue
        seen.add(segment.key)
        here, there = _later_first((first_segment, first), (segment, threshold), position)
        mine, theirs = here[1], (first if here[0] is segment else threshold)
        message = (
            f"this segment measures {mine.measure} {_in(mine)} and {there.title} {_in(theirs)}, so their ranges "
            f"are not compared: give {mine.measure} the same unit in every segment, or name the measure "
            f"apart where the unit differs (e.g. measure: {mine.measure} in {mine.unit or 'units'})."
        )
        found.append(_finding(*here, there, message))
    return found


def _finding(segment: Entity, threshold: Threshold, there: Entity, message: str) -> Diagnostic:
    """A finding on ``segment`` at the line of its threshold, naming both segments."""
    line = segment.line_of("criteria", threshold.index)
    return Diagnostic(
        CODE, INFO, segment.file, max(1, line), message, segment.key, tuple(sorted({segment.id, there.id}))
    )


def _later_first(one: Placed, other: Placed, position: dict[str, int]) -> tuple[Placed, Entity]:
    """The range of the segment that comes later by order (the finding's entity), and the other segment."""
    if position[one[0].key] > position[other[0].key]:
        return one, other[0]
    return other, one[0]


def _shown(placed: Placed, here: Placed) -> str:
    segment, threshold = placed
    return f"{threshold} ({'this segment' if segment is here[0] else segment.title})"


def _where(segment: Entity, here: Placed) -> str:
    return "here" if segment is here[0] else f"on {segment.title}"


def _in(threshold: Threshold) -> str:
    return f"in {threshold.unit}" if threshold.unit else "without a unit"


def _lowest_max(one: Threshold, other: Threshold) -> int | float | None:
    ends = [t.max for t in (one, other) if t.max is not None]
    return min(ends) if ends else None
