"""The gaps report page."""

from __future__ import annotations

from . import Context


def render(context: Context) -> str:
    return ""
