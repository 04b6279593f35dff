"""Dates and durations: ``review_every`` values and calendar arithmetic (2026-08-31 + 3 months = 2026-11-30)."""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_DURATION_RE = re.compile(r"^\s*([1-9][0-9]*)\s+(day|week|month|year)s?\s*$")
_NAMED = {"monthly": (1, "month"), "quarterly": (3, "month"), "yearly": (1, "year")}


@dataclass(frozen=True)
class Duration:
    count: int
    unit: str  # day | week | month | year

    def after(self, start: date) -> date:
        """Return the date this long after ``start``; months count on the calendar, clamped to month end."""
        try:
            if self.unit in ("day", "week"):
                return start + timedelta(days=self.count * (7 if self.unit == "week" else 1))
        except OverflowError:
            return date.max
        months = self.count * (12 if self.unit == "year" else 1)
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        if year > 9999:
            return date.max
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' if self.count != 1 else ''}"


def parse_duration(text: object) -> Duration | None:
    """Parse ``6 months``, ``2 weeks``, ``quarterly``…; None when it is not a duration."""
    if not isinstance(text, str):
        return None
    if text.strip() in _NAMED:
        return Duration(*_NAMED[text.strip()])
    match = _DURATION_RE.match(text)
    return Duration(int(match.group(1)), match.group(2)) if match else None


def parse_date(text: object) -> date | None:
    """Parse ``YYYY-MM-DD``; None when it is not a real date."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def build_date() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()
