"""The offsets parser (SPEC §7.6): every form it reads, from the texts of real handbooks, and the texts it
must leave alone; effort in hours; and offsets resolved to days from signature through milestone chains."""

from __future__ import annotations

import pytest

from journeysite.core.analysis.offsets import (
    Offset,
    Period,
    effort_hours,
    parse_offset,
    parse_period,
    parse_window,
    resolve,
)

MILESTONES = {"go-live": "go-live", "kickoff held": "kickoff-held", "kickoff-held": "kickoff-held"}
GO_LIVE = "milestone:go-live"

OFFSETS = [
    # from the start: day, week (week 1 = days 0-6), month (month 1 = days 0-30.4)
    ("day 0", ("start", 0, 0)),
    ("Day 30", ("start", 30, 30)),
    ("day 14-30", ("start", 14, 30)),
    ("day 14 – 30", ("start", 14, 30)),
    ("day 14 to 30", ("start", 14, 30)),
    ("Days 30 to day 90.", ("start", 30, 90)),
    ("Day 30 to day 180 after signature", ("start", 30, 180)),
    ("week 1", ("start", 0, 6)),
    ("week 2", ("start", 7, 13)),
    ("weeks 1 to 4", ("start", 0, 27)),
    ("month 1", ("start", 0, 30.4)),
    ("month 3", ("start", 60.8, 91.2)),
    ("at signature", ("start", 0, 0)),
    ("Within 5 business days of signature", ("start", 0, 7)),
    ("within 2 weeks of the contract", ("start", 0, 14)),
    # after or before a milestone, by id or title, numbers as words
    ("3 weeks after go-live", (GO_LIVE, 21, 21)),
    ("10 days after Kickoff held", ("milestone:kickoff-held", 10, 10)),
    ("2-3 weeks after go-live", (GO_LIVE, 14, 21)),
    ("after Go-live", (GO_LIVE, 0, 0)),
    ("One week before go-live", (GO_LIVE, -7, -7)),
    ("a week before go-live", (GO_LIVE, -7, -7)),
    ("at go-live", (GO_LIVE, 0, 0)),
    ("on Go live", (GO_LIVE, 0, 0)),
    ("by go-live", (GO_LIVE, 0, 0)),
    ("Within 60 days of go-live", (GO_LIVE, 0, 60)),
    ("within 5 business days of go-live", (GO_LIVE, 0, 7)),
    ("twelve months after go-live", (GO_LIVE, 364.8, 364.8)),
    # before the renewal
    ("60 days before renewal", ("renewal", -60, -60)),
    ("60 days before the renewal date", ("renewal", -60, -60)),
    ("2 to 3 weeks before renewal", ("renewal", -21, -14)),
    ("2-3 weeks before renewal", ("renewal", -21, -14)),
    ("3-4 months before renewal", ("renewal", -121.6, -91.2)),
    ("No later than the renewal date", ("renewal", 0, 0)),
    ("At least once in the 6 months before each renewal", ("renewal", -182.4, 0)),
    # a list of bracketed cases: the span of them all
    ("Day 45 (mid-market), day 60 to 90 (enterprise), day 21 (scale)", ("start", 21, 90)),
    ("60 days before the renewal date (mid-market and scale), 90 days before the renewal date (enterprise)",
     ("renewal", -90, -60)),
    # left alone: no anchor, an anchor that is no milestone, per-case text that is not a list of forms
    ("6 weeks before", None),
    ("within 2 weeks", None),
    ("within 2 business days", None),
    ("at the next check-in", None),
    ("on the agreed date", None),
    ("after qualification", None),
    ("at the go-live meeting", None),
    ("within 30 days of the signal", None),
    ("Day 0 of the lead's life", None),
    ("Day 3 of the 14-day trial", None),
    ("End of the purchase stage", None),
    ("day 30 (enterprise)", None),
    ("day 30 (enterprise), 2 weeks before renewal (scale)", None),
    ("60 days before the renewal date (enterprise 90 days)", None),
    ("first Tuesday of the month", None),
    ("day 30 to 14", None),
    ("weekly", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), OFFSETS)
def test_parse_offset_reads_every_form_and_leaves_other_text_alone(text, expected):
    found = parse_offset(text, MILESTONES)

    if expected is None:
        assert found is None
    else:
        anchor, start, end = expected
        assert found == Offset(anchor, pytest.approx(start), pytest.approx(end), text)


def test_without_milestones_a_text_relative_to_one_stays_unparsed():
    assert parse_offset("3 weeks after go-live") is None
    assert parse_offset("2 weeks before renewal") == Offset("renewal", -14, -14, "2 weeks before renewal")


PERIODS = [
    ("every 90 days", 90),
    ("Every 2 weeks", 14),
    ("every two weeks", 14),
    ("every month", 30.4),
    ("every quarter", 91.3),
    ("every other week", 14),
    ("daily", 1),
    ("weekly", 7),
    ("monthly", 30.4),
    ("Quarterly", 91.3),
    ("yearly", 365),
    ("annually", 365),
    ("once a year", 365),
    ("4 times a year", 91.25),
    ("twice a year, in March and October", 182.5),
    ("monthly, from go-live until the account's first renewal", 30.4),
    ("every 90 days for enterprise, every 180 days for mid-market", None),
    ("monthly, from go-live until the account's first renewal, then every 2 months", None),
    ("every 2 hours (P1) or daily (P2)", None),
    ("once a year per enterprise account, ideally combined with a business review", None),
    ("day 30", None),
    ("at the next check-in", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "days"), PERIODS)
def test_parse_period_reads_every_recurrence_and_leaves_per_segment_text_alone(text, days):
    found = parse_period(text)

    assert found == (None if days is None else Period(pytest.approx(days), text))


WINDOWS = [
    ("day 0-90", ("start", 0, 90)),
    ("first 90 days", ("start", 0, 90)),
    ("First 30 to 60 days", ("start", 0, 60)),
    ("days 30 to 90", ("start", 30, 90)),
    ("first 3 months", ("start", 0, 91.2)),
    ("first 2 weeks after signature", ("start", 0, 14)),
    ("Day 30 to day 180 after signature", ("start", 30, 180)),
    ("the last 120 days before renewal", ("renewal", -120, 0)),
    ("2 to 3 weeks before renewal", ("renewal", -21, -14)),
    ("First 30 to 60 days (mid-market and scale), first 30 to 90 days (enterprise)", ("start", 0, 90)),
    ("day 30", None),  # a point is not a window
    ("Ongoing, alongside retention", None),
    ("First 30 to 60 days (enterprise up to 90 days)", None),
    ("2 to 16 weeks (enterprise); 1 to 4 weeks (mid-market); one trial of 14 days (scale)", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), WINDOWS)
def test_parse_window_reads_a_stage_duration(text, expected):
    found = parse_window(text)

    if expected is None:
        assert found is None
    else:
        anchor, start, end = expected
        assert found == Offset(anchor, pytest.approx(start), pytest.approx(end), text)


EFFORTS = [
    ("30 minutes", 0.5),
    ("90 min", 1.5),
    ("2 hours", 2),
    ("1.5 hours", 1.5),
    ("an hour", 1),
    ("1-2 hours", 1.5),
    ("1 to 2 hours", 1.5),
    ("1 day", 8),
    ("2 business days", 16),
    ("half a day", 4),
    ("1 week", 40),
    ("a lot", None),
    ("2 hours per account", None),
    ("3-1 hours", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "hours"), EFFORTS)
def test_effort_hours_counts_working_hours(text, hours):
    assert effort_hours(text) == (None if hours is None else pytest.approx(hours))


def test_resolve_follows_milestone_chains_and_stops_on_cycles():
    dues = {
        "kickoff": Offset("start", 0, 7, "within 5 business days of signature"),
        "go-live": Offset("milestone:kickoff", 60, 60, "60 days after kickoff"),
        "first-value": Offset("milestone:go-live", 0, 30, "within 30 days of go-live"),
        "a": Offset("milestone:b", 7, 7, "1 week after b"),
        "b": Offset("milestone:a", 7, 7, "1 week after a"),
        "self": Offset("milestone:self", 1, 1, "1 day after self"),
    }

    assert resolve(Offset("milestone:first-value", 14, 14, "2 weeks after first value"), dues, 365) == (74, 111)
    assert resolve(Offset("renewal", -21, -14, "2 to 3 weeks before renewal"), dues, 365) == (344, 351)
    assert resolve(Offset("renewal", -30, -30, "30 days before renewal"), dues, 730) == (700, 700)
    assert resolve(Offset("start", 3, 3, "day 3"), dues, 365) == (3, 3)
    assert resolve(Offset("milestone:a", 0, 0, "at a"), dues, 365) is None
    assert resolve(dues["self"], dues, 365) is None
    assert resolve(Offset("milestone:unknown", 0, 0, "at unknown"), dues, 365) is None
