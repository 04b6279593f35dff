"""References: check that every field and ``[[kind:id]]`` link names an entity that exists."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from journeysite.core.diagnostics import Diagnostic, did_you_mean, error
from journeysite.core.model import SLUG_RE, Handbook
from journeysite.core.schema import KINDS, field_name

_LISTED = 8


def check(handbook: Handbook, unreadable: AbstractSet[str] = frozenset()) -> list[Diagnostic]:
    """Return an ``unknown-ref`` error for every reference to a missing entity.

    ``unreadable``: ids of pages whose front matter could not be read (reported already), not missing.
    """
    problems: list[Diagnostic] = []
    for entity in handbook.all():
        for path, kind, target in entity.references():
            # A value that is not an id at all (a title, say) is already a schema error.
            if handbook.get(kind, target) is None and SLUG_RE.match(target) and target not in unreadable:
                problems.append(
                    error(
                        "unknown-ref",
                        entity.file,
                        entity.line_of(*path),
                        f"`{field_name(path)}` names the {kind} `{target}`, but there is no such {kind}."
                        f"{_choices(handbook, kind, target)}",
                        entity.key,
                    )
                )
    for page in handbook.pages:
        page_entity = handbook.entity_of(page.file)
        owner = page_entity.key if page_entity else None
        for ref in page.body_refs:
            if ref.kind not in KINDS:
                problems.append(
                    error(
                        "unknown-ref",
                        page.file,
                        ref.line,
                        f"`[[{ref.kind}:{ref.id}]]` links to an unknown kind `{ref.kind}`."
                        f"{did_you_mean(ref.kind, KINDS)} Write `[[kind:id]]` with a kind from: {', '.join(KINDS)}.",
                        owner,
                    )
                )
            elif handbook.get(ref.kind, ref.id) is None and ref.id not in unreadable:
                problems.append(
                    error(
                        "unknown-ref",
                        page.file,
                        ref.line,
                        f"`[[{ref.kind}:{ref.id}]]` links to the {ref.kind} `{ref.id}`, but there is no such "
                        f"{ref.kind}.{_choices(handbook, ref.kind, ref.id)}",
                        owner,
                    )
                )
    return problems


def _choices(handbook: Handbook, kind: str, target: str) -> str:
    ids = sorted(handbook.entities.get(kind, {}))
    if not ids:
        return f" The handbook has no {kind} pages yet: add one whose file is `{target}.md`."
    shown = ", ".join(ids[:_LISTED]) + (", …" if len(ids) > _LISTED else "")
    return f"{did_you_mean(target, ids)} It must be the id of a {kind} page: {shown}."
