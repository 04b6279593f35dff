"""The words pages show people: every label a reader sees that is not their own text, in one place, so
the same thing is called the same everywhere. Renderers import their labels from here."""

from __future__ import annotations

# The words a segment's `touch` is shown in (the values are the schema's).
TOUCH = {"high": "High touch", "medium": "Medium touch", "low": "Low touch", "tech": "Tech touch"}


# A trigger in words, one table for every page: the card's label, the grid's short form, and the end of
# a sentence ("it starts when Go-live is reached").
TRIGGER_WORDS = {
    "milestone": ("When a milestone is reached", "When {} is reached", "starts when {} is reached"),
    "schedule": ("On a schedule", "Schedule: {}", "runs on a schedule ({})"),
    "signal": ("On a signal", "Signal: {}", "starts on a signal ({})"),
    "manual": ("On judgement", "Judgement call: {}", "starts on judgement ({})"),
}
CARD, SHORT, PHRASE = 0, 1, 2
