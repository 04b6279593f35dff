"""Entity pages: the authored body framed by a header card, kind sections and backlinks."""

from __future__ import annotations

from . import Context


def render(context: Context, entity, body: str) -> str:
    return body
