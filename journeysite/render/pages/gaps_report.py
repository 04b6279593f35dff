"""The gaps report: every handoff gap and ownership finding, grouped by kind, each linked to the page to fix.

Written for the whole company: each finding says what is wrong and what to do in words; the exact front
matter an editor writes waits in a folded "How to fix it in the page" under it.
"""

from __future__ import annotations

import re

from journeysite.core.diagnostics import INFO, Diagnostic
from journeysite.core.model import Entity
from journeysite.core.settings import LEVELLED_CODES
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, pill
from journeysite.render.pages.words import (
    GAP_ACCEPTED_HEADERS,
    GAP_ACCEPTED_HEADING,
    GAP_ACCEPTED_INTRO,
    GAP_ACCEPTED_LABEL,
    GAP_EDITOR_NOTE,
    GAP_FIX_ACCEPT,
    GAP_FIX_SUMMARY,
    GAP_FIX_WHERE,
    GAP_FOR_EDITORS,
    GAP_HEADERS,
    GAP_INTRO,
    GAP_LABELS,
    GAP_NO_PROBLEMS,
    GAP_NO_PROBLEMS_TITLE,
    GAP_NONE,
    GAP_NONE_TITLE,
    GAP_NOTES_HEADING,
    GAP_NOTES_INTRO,
    GAP_SEGMENTS_LABEL,
    GAP_TODO,
    GAP_TODO_HANDOFF,
    GAP_TODO_LABEL,
    GAP_WHY_LABEL,
    SEVERITY_LABELS,
    WHY_IT_MATTERS,
)

__all__ = ["GAP_LABELS", "WHY_IT_MATTERS", "SEVERITY_LABELS", "gap_findings", "message_html", "render"]

_CODE_SPAN = re.compile(r"`([^`]+)`")
# Where a message turns from what is wrong to the fix: ": ", "; " or ". " before one of these verbs.
_FIX_VERBS = (
    "add",
    "list",
    "set",
    "remove",
    "give",
    "change",
    "correct",
    "make",
    "limit",
    "raise",
    "lower",
    "write",
    "point",
    "move",
    "for the move",
    "say",
    "the two give",
)
_FIX_START = re.compile(r"[:.;] (?=(?:" + "|".join(re.escape(v) for v in _FIX_VERBS) + r")\b)", re.IGNORECASE)
# A finding the page can accept instead of fixing (SPEC §7.3): the advice says how.
_ACCEPTABLE = frozenset(LEVELLED_CODES) - {"stale-accept"}


def gap_findings(context: Context) -> list[Diagnostic]:
    """The diagnostics that are gap and consistency findings, in the order the pipeline sorted them."""
    return [d for d in context.diagnostics if d.code in LEVELLED_CODES]


def render(context: Context) -> str:
    findings = gap_findings(context)
    editors = markup.block(
        f'<details class="jsite-fold jsite-for-editors"><summary>{markup.text(GAP_FOR_EDITORS)}</summary>'
        f"<p>{GAP_EDITOR_NOTE}</p></details>"
    )
    parts = [GAP_INTRO, "", editors]
    if context.settings.gaps == "off":
        parts.append(
            markup.block(
                admonition(
                    "info",
                    "Gap analysis is switched off",
                    "This handbook turns gap analysis off (<code>gaps: off</code> for the journeysite plugin in "
                    "<code>mkdocs.yml</code>), so handoff gaps are not looked for. Only the other findings are listed.",
                )
            )
        )
    problems = [
        code for code in LEVELLED_CODES if any(d.code == code and d.severity != INFO for d in findings)
    ]
    notes = [
        code for code in LEVELLED_CODES if code not in problems and any(d.code == code for d in findings)
    ]
    if not findings and context.settings.gaps != "off":
        parts.append(markup.block(admonition("success", GAP_NONE_TITLE, markup.text(GAP_NONE))))
    elif findings and not problems:
        parts.append(markup.block(admonition("success", GAP_NO_PROBLEMS_TITLE, markup.text(GAP_NO_PROBLEMS))))
    if findings:
        parts += [_counts(findings), ""]
    for code in problems:
        parts.append(_group(context, code, [d for d in findings if d.code == code]))
    if notes:
        parts += [f"## {GAP_NOTES_HEADING}", "", GAP_NOTES_INTRO, ""]
    for code in notes:
        parts.append(_group(context, code, [d for d in findings if d.code == code]))
    parts.append(_accepted(context))
    return "\n".join(parts)


def _counts(findings: list[Diagnostic]) -> str:
    problems = sum(1 for d in findings if d.severity != INFO)
    notes = len(findings) - problems
    counts = [
        f"**{problems}** problem{'s' if problems != 1 else ''} to fix" if problems else "",
        f"**{notes}** note{'s' if notes != 1 else ''} worth a look" if notes else "",
    ]
    return f"{' and '.join(c for c in counts if c)}."


def _accepted(context: Context) -> str:
    """The findings the pages accept, each with the reason its page gives (SPEC §7.3)."""
    if not context.accepted:
        return ""
    rows = []
    for item in context.accepted:
        d = item.diagnostic
        problem, _ = split_message(d.message)
        reason = (
            f'<p class="jsite-accept-reason"><strong>{markup.text(GAP_ACCEPTED_LABEL)}</strong> '
            f"{markup.text(item.reason)}</p>"
        )
        rows.append([_page(context, d), f"<p>{message_html(problem)}</p>{reason}", _segments(context, d)])
    table = markup.table(list(GAP_ACCEPTED_HEADERS), rows, "jsite-table jsite-gaps-table")
    return "\n".join(["", f"## {GAP_ACCEPTED_HEADING}", "", GAP_ACCEPTED_INTRO, "", table])


def _group(context: Context, code: str, group: list[Diagnostic]) -> str:
    rows = [_row(context, d) for d in group]
    table = markup.table(list(GAP_HEADERS), rows, "jsite-table jsite-gaps-table")
    severities = list(dict.fromkeys(d.severity for d in group))
    labels = " ".join(
        pill(SEVERITY_LABELS.get(s, s), f"jsite-severity jsite-severity-{s}") for s in severities
    )
    count = f"{len(group)} finding{'s' if len(group) != 1 else ''}"
    return "\n".join(
        [
            f"## {markup.md(GAP_LABELS.get(code, code))}",
            markup.block(
                f'<div class="jsite-gap-group" id="gap-{code}">'
                f'<p class="jsite-why"><strong>{markup.text(GAP_WHY_LABEL)}</strong> '
                f"{markup.text(WHY_IT_MATTERS.get(code, ''))}</p>"
                f'<p class="jsite-gap-meta">{labels} {count}</p></div>'
            ),
            table,
        ]
    )


def _row(context: Context, d: Diagnostic) -> list[str]:
    problem, fix = split_message(d.message)
    todo = f'<p class="jsite-todo"><strong>{markup.text(GAP_TODO_LABEL)}</strong> {markup.text(_todo(context, d))}</p>'
    finding = f"<p>{message_html(problem)}</p>{todo}{_how_to_fix(d, fix)}"
    return [_page(context, d), finding, _segments(context, d)]


def _todo(context: Context, d: Diagnostic) -> str:
    """What to do about ``d``, in words; a missing handoff names the two teams of its move."""
    if d.code == "missing-handoff":
        for journey in context.handbook.journeys:
            if d.segments and journey.segment_id not in d.segments:
                continue
            for t in journey.transitions:
                if t.before.key == d.entity and t.missing_handoff:
                    giver, receiver = context.team(t.giver), context.team(t.receiver)
                    if giver and receiver:
                        return GAP_TODO_HANDOFF.format(giver=giver.title, receiver=receiver.title)
    return GAP_TODO.get(d.code, "")


def _how_to_fix(d: Diagnostic, fix: str) -> str:
    """The editor's part, folded: where in which file, the exact change, and how to accept the finding instead."""
    # The template holds no markup of its own; the file name is escaped here.
    where = GAP_FIX_WHERE.format(file=f"<code>{markup.text(d.file)}</code>", line=d.line)
    body = f"<p>{where} {message_html(fix) if fix else message_html(d.message)}</p>"
    if d.code in _ACCEPTABLE and "accept:" not in fix:  # some messages already say how
        body += (
            f"<p>{markup.text(GAP_FIX_ACCEPT)} "
            f"<code>accept: [{{code: {markup.text(d.code)}, reason: …}}]</code></p>"
        )
    return f'<details class="jsite-fold jsite-fix"><summary>{markup.text(GAP_FIX_SUMMARY)}</summary>{body}</details>'


def split_message(message: str) -> tuple[str, str]:
    """A diagnostic's message as (what is wrong, as a sentence; the fix, or "" when it names none)."""
    match = _FIX_START.search(message)
    if match is None:
        return message, ""
    problem = message[: match.start()].rstrip() + "."
    return problem, message[match.end() :]


def _page(context: Context, d: Diagnostic) -> str:
    entity = _entity(context, d)
    return markup.link(context.linker, entity, fallback=d.file) if entity else markup.text(d.file)


def _segments(context: Context, d: Diagnostic) -> str:
    """The segments a finding concerns, one per line on a wide screen and one line on a phone (whose
    table is stacked, so the cell says what it is), or a dash."""
    named = ", <br>".join(
        markup.link(context.linker, context.handbook.get("segment", s), fallback=s) for s in d.segments
    )
    if not named:
        return '<span class="jsite-muted jsite-no-segments">—</span>'
    return f'<span class="jsite-phone-label">{markup.text(GAP_SEGMENTS_LABEL)} </span>{named}'


def message_html(message: str) -> str:
    """A diagnostic's message as a sentence, escaped, with its `code spans` shown as code."""
    sentence = message[:1].upper() + message[1:]
    return _CODE_SPAN.sub(r"<code>\1</code>", markup.text(sentence))


def _entity(context: Context, d: Diagnostic) -> Entity | None:
    return context.handbook.by_key(d.entity) or context.handbook.entity_of(d.file)
