"""Offsets on the journey read from free text (SPEC §7.6): ``day 30``, ``2 weeks before renewal``, ``monthly``.

Conventions (whole days, day 0 = the contract is signed):
- ``day N`` is the point N; ``day N-M`` / ``day N to M`` / ``days N to day M`` the range N..M.
- ``week N`` is the range 7(N−1)..7N−1 (week 1 = days 0–6, week 2 = days 7–13).
- ``month N`` is the range 30.4(N−1)..30.4N (month 1 = days 0–30.4, month 3 = days 60.8–91.2).
- ``N days|weeks|months|years after|before <milestone>`` and ``… before renewal`` are anchored there;
  a week is 7 days, a month 30.4, a year 365, a business day 7/5 of a day.
- ``within N days of|after <milestone|signature>`` is the range 0..N from that anchor; ``within N days``
  with no anchor is relative to whatever came before it, so it is left unparsed.
- ``at|on|by|no later than <milestone|renewal>`` is that moment; ``at signature`` / ``day 0`` is the start.
- ``(at least once) in the N months before renewal`` is the range −N..0 from the renewal.
- A list of bracketed cases on one anchor ("day 45 (mid-market), day 21 (scale)") is the span of them all.
- Numbers may be digits or the words one to twelve ("a"/"an" mean one).
Periods: ``every N days|weeks|months|quarters|years``, ``every other week``, ``daily``, ``weekly``,
``fortnightly``, ``monthly``, ``quarterly``, ``yearly``/``annually``, ``twice a year`` (182.5 days),
``N times a year``, ``once a quarter``; a trailing clause that names no other time is allowed
("monthly, from go-live until renewal"). Stage windows: ``first N days|weeks|months``, ``day N-M``,
``last N days before renewal``, or any ranged offset. Effort: minutes, hours, days of 8 hours,
``half a day`` (4 hours); a range counts as its midpoint.
A text is read only when the whole of it is one of these forms (case and a final full stop aside);
anything else ("6 weeks before", "on the agreed date", "every 90 days for enterprise, every 180 days
for mid-market") stays text: None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar

START = "start"
RENEWAL = "renewal"
MILESTONE = "milestone:"
DEFAULT_RENEWAL_DAY = 365.0

DAYS_PER_UNIT = {
    "day": 1.0,
    "business day": 7 / 5,
    "week": 7.0,
    "month": 30.4,
    "quarter": 91.3,
    "year": 365.0,
}
HOURS_PER_DAY = 8.0  # a working day of effort


@dataclass(frozen=True, slots=True)
class Offset:
    """A point or a span on the journey, in days from its anchor (negative: before)."""

    anchor: str  # "start" (contract signed, day 0), "renewal", or "milestone:<id>"
    start: float  # days from the anchor
    end: float  # == start for a point; > start for a range
    text: str  # the text it was read from


@dataclass(frozen=True, slots=True)
class Period:
    """A recurrence: every `days` days (monthly = 30.4, quarterly = 91.3, yearly = 365)."""

    days: float
    text: str


_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(_WORDS) + r")"
_UNIT = r"(?:business\s+day|working\s+day|day|week|month|quarter|year)s?"
_SPAN = rf"(?P<a>{_NUM})(?:\s*(?:-|to|and)\s*(?P<b>{_NUM}))?\s+(?P<unit>{_UNIT})"

_SIGNATURE = r"(?:the\s+)?(?:contract\s+)?(?:signature|signing|contract(?:\s+(?:signature|signed|is\s+signed))?|close|closed[-\s]won)"
_RENEWAL_WORDS = r"(?:the\s+|each\s+|every\s+)?(?:(?:next|first)\s+)?renewal(?:\s+date)?"

_NAMED_PERIODS = {
    "daily": 1.0,
    "weekly": 7.0,
    "fortnightly": 14.0,
    "monthly": 30.4,
    "quarterly": 91.3,
    "yearly": 365.0,
    "annually": 365.0,
    "twice a year": 182.5,
    "twice yearly": 182.5,
    "semi-annually": 182.5,
    "semiannually": 182.5,
}


def _normal(text: str) -> str:
    """Lower-case, one space between words, dashes as hyphens, no final full stop."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = re.sub(r"\s+", " ", text.strip().lower())
    return text.rstrip(".").strip()


def _name_key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower()).strip()


T = TypeVar("T")
_LARGEST = 100_000.0  # in any unit: a larger number is no time anybody plans (and `inf` breaks rounding)


def _number(text: str) -> float:
    value = float(_WORDS[text]) if text in _WORDS else float(text)
    if not value <= _LARGEST:  # also NaN and infinity
        raise _TooLarge(text)
    return value


class _TooLarge(ValueError):
    """A number no plan means: the text stays text (no diagnostic, as for any text not read)."""


def _unread_when_too_large(read: Callable[..., T]) -> Callable[..., T | None]:
    @wraps(read)
    def reading(*args: Any) -> T | None:
        try:
            return read(*args)
        except _TooLarge:
            return None

    return reading


def _unit_days(unit: str) -> float:
    unit = re.sub(r"\s+", " ", unit).removesuffix("s").replace("working day", "business day")
    return DAYS_PER_UNIT[unit]


def _span(match: re.Match[str]) -> tuple[float, float] | None:
    """The (low, high) days of ``N[-M] units`` in a match with groups a, b, unit."""
    days = _unit_days(match.group("unit"))
    low = _number(match.group("a"))
    high = _number(match.group("b")) if match.group("b") else low
    if high < low:
        return None
    return round(low * days, 2), round(high * days, 2)


class MilestoneNames(dict[str, str]):
    """Milestone names (titles and ids), normalised as the parser reads them, to ids: built once per
    handbook with ``milestone_names``, not once per text (a large handbook reads thousands of texts)."""


def milestone_names(milestones: Mapping[str, str]) -> MilestoneNames:
    """The lookup ``parse_offset`` reads milestone names with, from a name -> id mapping."""
    return MilestoneNames({_name_key(name): mid for name, mid in milestones.items()})


def _milestone_lookup(milestones: Mapping[str, str] | None) -> Mapping[str, str]:
    if isinstance(milestones, MilestoneNames):
        return milestones
    return milestone_names(milestones or {})


def _anchor_of(name: str, lookup: Mapping[str, str]) -> str | None:
    """The anchor a name stands for: the start (signature), renewal, or a known milestone."""
    if re.fullmatch(_SIGNATURE, name):
        return START
    if re.fullmatch(_RENEWAL_WORDS, name):
        return RENEWAL
    key = _name_key(re.sub(r"^the\s+", "", name))
    if key in lookup:
        return MILESTONE + lookup[key]
    return None


def _day_forms(text: str) -> tuple[float, float] | None:
    """``day N``, ``day N-M``, ``days N to day M``, ``week N[-M]``, ``month N[-M]`` from the start."""
    match = re.fullmatch(
        rf"(?P<unit>day|week|month)s?\s+(?P<a>\d+(?:\.\d+)?)(?:\s*(?:-|to|until|through)\s*(?:(?P=unit)s?\s+)?(?P<b>\d+(?:\.\d+)?))?"
        rf"(?:\s+(?:after|from|of)\s+{_SIGNATURE})?",
        text,
    )
    if not match:
        return None
    low = float(match.group("a"))
    high = float(match.group("b")) if match.group("b") else low
    if high < low:
        return None
    unit = match.group("unit")
    if unit == "day":
        return low, high
    if low < 1:
        return None
    if unit == "week":
        return 7 * (low - 1), 7 * high - 1
    return round(30.4 * (low - 1), 1), round(30.4 * high, 1)


@_unread_when_too_large
def parse_offset(text: str | None, milestones: Mapping[str, str] | None = None) -> Offset | None:
    """The offset a ``due`` or ``when`` text names, or None when it is in no form journeysite reads.

    ``milestones`` maps lower-cased milestone titles and ids to ids; without it no milestone is known
    and texts relative to one stay unparsed. A list of cases, each marked in brackets and all on one
    anchor ("day 45 (mid-market), day 60 to 90 (enterprise), day 21 (scale)"), reads as the span from
    the earliest to the latest: every case falls in it.
    """
    if not isinstance(text, str):
        return None
    norm = _normal(text)
    lookup = _milestone_lookup(milestones)
    found = _one_offset(norm, lookup)
    if found is None:
        found = _cases(norm, lambda form: _one_offset(form, lookup))
    return Offset(found[0], found[1], found[2], text) if found is not None else None


_Found = tuple[str, float, float]  # anchor, start, end


def _one_offset(norm: str, lookup: Mapping[str, str]) -> _Found | None:
    days = _day_forms(norm)
    if days is not None:
        return START, days[0], days[1]

    match = re.fullmatch(r"(?:at|on|by|no later than)\s+(?P<name>.+)", norm)
    if match:
        anchor = _anchor_of(match.group("name"), lookup)
        if anchor is not None:
            return anchor, 0.0, 0.0

    match = re.fullmatch(
        rf"within\s+(?:the\s+)?(?:first\s+)?{_SPAN}\s+(?:of|after|from)\s+(?P<name>.+)", norm
    )
    if match:
        anchor = _anchor_of(match.group("name"), lookup)
        span = _span(match)
        if anchor is None or span is None or match.group("b"):
            return None
        return anchor, 0.0, span[1]

    # "at least once in the 6 months before each renewal": the span up to the anchor
    match = re.fullmatch(
        rf"(?:at least once\s+)?(?:in|during|within)\s+the\s+(?:last\s+|final\s+)?{_SPAN}\s+before\s+(?P<name>.+)",
        norm,
    )
    if match:
        anchor = _anchor_of(match.group("name"), lookup)
        span = _span(match)
        if anchor is None or span is None or match.group("b"):
            return None
        return anchor, -span[1], 0.0

    match = re.fullmatch(rf"{_SPAN}\s+(?P<dir>after|before)\s+(?P<name>.+)", norm)
    if match:
        anchor = _anchor_of(match.group("name"), lookup)
        span = _span(match)
        if anchor is None or span is None:
            return None
        if match.group("dir") == "before":
            return anchor, -span[1], -span[0]
        return anchor, span[0], span[1]

    match = re.fullmatch(r"after\s+(?P<name>.+)", norm)
    if match:
        anchor = _anchor_of(match.group("name"), lookup)
        if anchor is None or anchor == RENEWAL:
            return None
        return anchor, 0.0, 0.0
    return None


_CASE = re.compile(r"(?P<form>[^,;()]+?)\s*\((?P<case>[^()]+)\)")
_BETWEEN_CASES = re.compile(r"\s*(?:[,;]|\bor\b|\band\b)\s*")


def _cases(norm: str, read: Callable[[str], _Found | None]) -> _Found | None:
    """The span of a list of two or more bracketed cases, each ``read`` alike, on one anchor, else None."""
    found: list[_Found] = []
    position = 0
    while position < len(norm):
        if found:
            between = _BETWEEN_CASES.match(norm, position)
            if between is None or between.end() == position:
                return None
            position = between.end()
        match = _CASE.match(norm, position)
        one = read(match.group("form").strip()) if match else None
        if match is None or one is None:
            return None
        found.append(one)
        position = match.end()
    if len(found) < 2 or len({anchor for anchor, _, _ in found}) != 1:
        return None
    return found[0][0], min(start for _, start, _ in found), max(end for _, _, end in found)


@lru_cache(maxsize=4096)  # a pure function of the text; handbooks repeat their texts
@_unread_when_too_large
def parse_period(text: str | None) -> Period | None:
    """The recurrence a ``schedule`` or ``when`` text names (``every 90 days``, ``monthly``), or None.

    A trailing clause after a comma or semicolon is allowed when it names no other number or period
    ("monthly, from go-live until renewal"); "every 90 days for enterprise, every 180 days for
    mid-market" is per segment, so it stays text.
    """
    if not isinstance(text, str):
        return None
    head, _, tail = re.sub(r";", ",", _normal(text)).partition(",")
    if tail and _mentions_time(tail):
        return None
    days = _period_days(head.strip())
    # Shorter than a day ("every 0 days", "every 0.0001 days") is no schedule anyone runs for a customer.
    return Period(days, text) if days is not None and days >= 1 else None


def _mentions_time(text: str) -> bool:
    """Whether a trailing clause names a number or a period of its own (then the text is per case)."""
    numbers = "|".join(word for word in _WORDS if len(word) > 2)
    periods = "|".join(re.escape(name) for name in _NAMED_PERIODS)
    return bool(re.search(rf"\d|\b(?:{numbers}|{periods}|every|once|twice)\b", text))


def _period_days(head: str) -> float | None:
    if head in _NAMED_PERIODS:
        return _NAMED_PERIODS[head]
    match = re.fullmatch(rf"every\s+(?:(?P<a>{_NUM})\s+)?(?P<unit>{_UNIT})", head)
    if match:
        count = _number(match.group("a")) if match.group("a") else 1.0
        days = count * _unit_days(match.group("unit"))
        return days if days > 0 else None
    match = re.fullmatch(rf"every\s+other\s+(?P<unit>{_UNIT})", head)
    if match:
        return 2 * _unit_days(match.group("unit"))
    match = re.fullmatch(rf"(?:once|one time)\s+(?:a|per|every)\s+(?P<unit>{_UNIT})", head)
    if match:
        return _unit_days(match.group("unit"))
    match = re.fullmatch(rf"(?P<a>{_NUM}|twice)\s+times\s+(?:a|per)\s+(?P<unit>{_UNIT})", head)
    if match:
        count = 2.0 if match.group("a") == "twice" else _number(match.group("a"))
        return _unit_days(match.group("unit")) / count if count > 0 else None
    return None


@lru_cache(maxsize=4096)  # a pure function of the text; handbooks repeat their texts
@_unread_when_too_large
def parse_window(text: str | None) -> Offset | None:
    """The span a stage ``duration`` names: ``day 0-90``, ``first 90 days``, ``days 30 to 90``, ``first 3 months``.

    Also ``the last N days before renewal``, any ranged offset that names no milestone (``2 to 3 weeks
    before renewal``), and a list of bracketed cases ("first 30 to 60 days (mid-market), first 90 days
    (enterprise)"): the span of them all. A single point is not a window: None.
    """
    if not isinstance(text, str):
        return None
    norm = _normal(text)
    found = _one_window(norm) or _cases(norm, _one_window)
    return Offset(found[0], found[1], found[2], text) if found is not None else None


def _one_window(norm: str) -> _Found | None:
    match = re.fullmatch(rf"(?:the\s+)?first\s+{_SPAN}(?:\s+(?:after|from|of)\s+{_SIGNATURE})?", norm)
    if match:
        span = _span(match)
        # "first 30 to 60 days": the stage lasts up to 60 days
        return (START, 0.0, span[1]) if span is not None and span[1] > 0 else None
    match = re.fullmatch(rf"(?:the\s+)?(?:last|final)\s+{_SPAN}\s+(?:before|of)\s+{_RENEWAL_WORDS}", norm)
    if match:
        span = _span(match)
        return (RENEWAL, -span[1], 0.0) if span is not None and span[1] > 0 else None
    found = _one_offset(norm, {})
    return found if found is not None and found[2] > found[1] else None


@lru_cache(maxsize=4096)  # a pure function of the text; handbooks repeat their texts
@_unread_when_too_large
def effort_hours(text: str | None) -> float | None:
    """Hours of work a step ``effort`` names: ``30 minutes``, ``1.5 hours``, ``1 day`` (8 hours), ``half a day``.

    A range (``1-2 hours``) counts as its midpoint; anything else is None.
    """
    if not isinstance(text, str):
        return None
    norm = _normal(text)
    if re.fullmatch(r"(?:a\s+)?half(?:\s+a|-)?\s*day", norm):
        return HOURS_PER_DAY / 2
    if re.fullmatch(r"(?:a\s+)?half(?:\s+an|-)?\s*hour", norm):
        return 0.5
    match = re.fullmatch(
        rf"(?:about\s+|around\s+|~\s*)?(?P<a>{_NUM})(?:\s*(?:-|to)\s*(?P<b>{_NUM}))?\s*"
        r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|(?:business\s+|working\s+)?days?|d|weeks?)",
        norm,
    )
    if not match:
        return None
    low = _number(match.group("a"))
    high = _number(match.group("b")) if match.group("b") else low
    if high < low:
        return None
    unit = match.group("unit")
    if unit.startswith("m"):
        per = 1 / 60
    elif unit.startswith("h"):
        per = 1.0
    elif unit.startswith("w"):
        per = 5 * HOURS_PER_DAY
    else:
        per = HOURS_PER_DAY
    return (low + high) / 2 * per


def resolve(
    offset: Offset, dues: Mapping[str, Offset], renewal_day: float = DEFAULT_RENEWAL_DAY
) -> tuple[float, float] | None:
    """Days from contract start (low, high) of an offset, following milestone anchors through ``dues``.

    ``dues`` maps milestone ids to their parsed ``due``; an unknown or unparsed milestone, or a cycle
    (a due relative to itself, directly or through others), gives None.
    """
    shift_low = shift_high = 0.0
    seen: set[str] = set()
    current = offset
    while True:
        shift_low += current.start
        shift_high += current.end
        if current.anchor == START:
            return shift_low, shift_high
        if current.anchor == RENEWAL:
            return renewal_day + shift_low, renewal_day + shift_high
        if not current.anchor.startswith(MILESTONE):
            return None
        mid = current.anchor.removeprefix(MILESTONE)
        if mid in seen or mid not in dues:
            return None
        seen.add(mid)
        current = dues[mid]
