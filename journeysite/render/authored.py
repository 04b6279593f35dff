"""What a page people wrote becomes before Markdown runs: its ``[[kind:id]]`` links, an entity's
generated sections, and its front matter escaped for the theme's templates."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from journeysite.core.model import Entity
from journeysite.core.reading import loading
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages import entity as entity_page


def markdown(context: Context, text: str, entity: Entity | None) -> str:
    """The page's Markdown with body links replaced and, for an entity, its sections added. (A generated
    page is never given here: `[[…]]` in it is escaped front-matter text, to show as written.)"""
    text = loading.replace_body_refs(text, lambda kind, id: body_link(context, kind, id))
    return entity_page.render(context, entity, text) if entity is not None else text


def body_link(context: Context, kind: str, entity_id: str) -> str | None:
    """A Markdown link for ``[[kind:id]]`` with the entity's title as its text, or None when it names
    no entity (an unknown-ref error already says so)."""
    entity = context.handbook.get(kind, entity_id)
    path = context.linker.md_path(entity) if entity else None
    return f"[{markup.md(entity.title)}]({path})" if entity and path else None


def escaped_meta(value: Any) -> Any:
    """Every front-matter text escaped for HTML: MkDocs' and mkdocs-material's templates (and the search
    index) print ``title``, ``description``, ``author``, tags and the rest as they are."""
    if isinstance(value, str):
        return markup.text(value)
    if isinstance(value, dict):
        return {key: escaped_meta(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escaped_meta(item) for item in value]
    return value


def escaped_title(title: str) -> str:
    """A title MkDocs took from the page's first heading or its file name, as escaped text. The theme
    prints ``page.title | striptags``, which turns ``&lt;`` back into ``<``; an escaped ``meta.title``
    it prints as it is, so the page gets both."""
    return markup.text(Markup(title).striptags())
