"""Pieces the page renderers share: tabs, admonitions, pills, links to teams and pages, triggers.

Written the way mkdocs-material renders them, so they look native without requiring the user's
Markdown extensions.
"""

from __future__ import annotations

from collections.abc import Sequence

from journeysite.core.model import DRAFT, Entity, Handbook
from journeysite.render import markup
from journeysite.render.links import Linker
from journeysite.render.pages import Context
from journeysite.render.pages.words import PHRASE, SHORT, TRIGGER_WORDS


def tabs(number: int, panels: Sequence[tuple[str, str]], css: str = "") -> str:
    """A tab set exactly as pymdownx.tabbed (alternate style) renders it: ``panels`` is (escaped label, HTML).

    Material's CSS switches the tabs with the radio inputs alone, so no JavaScript is needed.
    """
    inputs = "".join(
        f'<input{" checked" if i == 1 else ""} id="__tabbed_{number}_{i}" name="__tabbed_{number}" type="radio">'
        for i in range(1, len(panels) + 1)
    )
    labels = "".join(
        f'<label for="__tabbed_{number}_{i}">{label}</label>' for i, (label, _) in enumerate(panels, 1)
    )
    blocks = "\n".join(f'<div class="tabbed-block">\n{content}\n</div>' for _, content in panels)
    extra = f" {css}" if css else ""
    return (
        f'<div class="tabbed-set tabbed-alternate{extra}" data-tabs="{number}:{len(panels)}">{inputs}'
        f'<div class="tabbed-labels">{labels}</div>\n<div class="tabbed-content">\n{blocks}\n</div>\n</div>'
    )


def admonition(kind: str, title: str, *paragraphs: str) -> str:
    """An admonition as mkdocs-material styles it (``kind``: note, success, warning, info…); texts already escaped."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<div class="admonition {kind}"><p class="admonition-title">{title}</p>{body}</div>'


def no_stages_yet(context: Context, advice: str) -> str:
    """The note a journey view shows before any journey has a stage (``advice`` already escaped), or
    "" when there is a journey to show."""
    if any(j.stages for j in context.handbook.journeys):
        return ""
    return markup.block(admonition("note", "No stages yet", advice))


def pill(label: str, css: str) -> str:
    """A small inline label (``label`` already escaped), e.g. a review status or a severity."""
    return f'<span class="{css}">{label}</span>'


def draft_badge(entity: Entity) -> str:
    """The "Draft" label for a draft entity (the class entity pages use too), else ""."""
    return " " + pill("Draft", "jsite-tag-draft") if entity.status == DRAFT else ""


def draft_note(entity: Entity) -> str:
    """The Markdown counterpart of ``draft_badge``."""
    return " *(draft)*" if entity.status == DRAFT else ""


def owner_varies(entity: Entity, segment: str | None) -> str:
    """In an all-segments view (``segment`` None), the note that another team owns ``entity`` in some
    segments (SPEC §7.1), else ""."""
    if segment is not None or not entity.segment_owners:
        return ""
    return ' <span class="jsite-owner-varies" title="The owner differs in some segments">(owner varies by segment)</span>'


def team_link(context: Context, team_id: str | None) -> str:
    """A link to the team's page, or its escaped id when the team has no page."""
    return markup.link(context.linker, context.team(team_id), fallback=team_id or "")


def page_href(context: Context, target: str) -> str | None:
    """The relative URL of a generated page (``page:grid``…) or any page of the docs by its file, or None."""
    linker = context.linker
    if target in linker.src_of:
        return linker.href(target)
    # A plain page (not an entity): let the linker compute its URL as it does for entities.
    return Linker(linker.use_directory_urls, {target: target}, linker.current, form=linker.form).href(target)


def page_link(context: Context, target: str, label: str) -> str:
    """An HTML link to a generated page or a docs page (``label`` is escaped here); plain text without a page."""
    href = page_href(context, target)
    return f'<a href="{markup.text(href)}">{markup.text(label)}</a>' if href else markup.text(label)


def md_link(context: Context, target: str | Entity, label: str) -> str:
    """A Markdown link (``label`` escaped here) to an entity or generated page, which MkDocs resolves and checks."""
    path = context.linker.md_path(target)
    return f"[{markup.md(label)}]({path})" if path else ""


# A playbook with several triggers (any one starts it): the values of one kind are joined in one phrase
# ("when Go-live or Kickoff is reached"), the kinds with "or".
_VALUES_JOINED = {"milestone": " or "}
_KINDS_JOINED = {SHORT: " or ", PHRASE: ", or "}


def trigger_words(handbook: Handbook, playbook: Entity, form: int) -> str:
    """The playbook's triggers as plain text (to be escaped by the caller) in one of the forms of
    TRIGGER_WORDS, a milestone named by its title, several joined with "or"; "" without a trigger."""
    by_kind: dict[str, list[str]] = {}
    for trigger in playbook.triggers:
        value = trigger.value
        if trigger.kind == "milestone":
            milestone = handbook.get("milestone", value)
            value = milestone.title if milestone else value
        by_kind.setdefault(trigger.kind, []).append(value)
    phrases = [
        TRIGGER_WORDS[kind][form].format(_VALUES_JOINED.get(kind, "; ").join(values))
        for kind, values in by_kind.items()
    ]
    return _KINDS_JOINED.get(form, "; ").join(dict.fromkeys(phrases))


def shorten(value: str, limit: int = 48) -> str:
    """``value`` cut at a word boundary to about ``limit`` characters, with an ellipsis when cut."""
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def systems_of(playbook: Entity, segment: str | None) -> list[str]:
    """The systems a playbook uses (its own and its steps' that apply to ``segment``), in first-seen order."""
    found = list(playbook.texts("systems"))
    for step in playbook.steps:
        if step.applies_to(segment):
            found.extend(step.systems)
    return list(dict.fromkeys(s.strip() for s in found if s.strip()))


# ---------------------------------------------------------------------------------------------------
# The grid
