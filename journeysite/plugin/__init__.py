"""The MkDocs plugin: a thin door that runs the pipeline, then hands the model to the renderers."""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from journeysite.core import neutral, pipeline
from journeysite.core.diagnostics import ERROR, INFO, WARNING, Diagnostic
from journeysite.core.reading import loading
from journeysite.core.settings import ConfigError, Settings
from journeysite.plugin.config import JourneysiteConfig
from journeysite.plugin.nav import navigation
from journeysite.render import markup, sanitise, site
from journeysite.render.assemble import assemble
from journeysite.render.diagrams import dot as diagrams
from journeysite.render.diagrams.drawing import INSTALL_HELP, DotRenderer
from journeysite.render.diagrams.inline import DiagramSet
from journeysite.render.pages import Context
from journeysite.render.pages import entity as entity_page
from journeysite.render.stash import HTML, LISTING, Stash

log = get_plugin_logger("journeysite")


class _OneLine(logging.Filter):
    """Every record journeysite logs is one neutral line: a title holding a line break, a terminal escape
    or a GitHub workflow command (``::add-mask::``) cannot reach the build log as such."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = neutral.log(record.getMessage()), None
        return True


log.logger.addFilter(_OneLine())


def log_line(d: Diagnostic) -> str:
    segments = f" (segments: {', '.join(d.segments)})" if d.segments else ""
    return f"{d.file}:{d.line}: {d.message}{segments} [{d.code}]"


def build_date() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):
    """Validates the handbook, then adds its generated sections, pages, navigation and journey.json."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.context: Context | None = None
        self.settings = Settings()
        self.renderer: DotRenderer | None = None
        self.stash = Stash()  # generated HTML kept out of Markdown, until its phase puts it back

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # State is reset on every build so `mkdocs serve` rebuilds start clean.
        self._reset()
        if not self.config.enabled:
            return config
        try:
            self.settings = self.config.settings()
        except ConfigError as exc:
            raise PluginError(f"journeysite: {exc}") from None
        if site.STYLESHEET not in config.extra_css:
            config.extra_css.append(site.STYLESHEET)
        return config

    @event_priority(50)  # before other plugins look at the files, so they see the generated pages too
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        docs_dir = Path(config.docs_dir)
        pages = [f for f in files.documentation_pages() if f.abs_src_path]
        others = [f for f in files if f.abs_src_path and not f.is_documentation_page()]
        result = pipeline.run(
            docs_dir, self.settings, [f.src_uri for f in pages], [f.src_uri for f in others], build_date()
        )
        for file in [*pages, *others]:  # never published, even by a `mkdocs serve` that goes on
            if loading.unsafe_file(docs_dir, file.src_uri) is not None:
                files.remove(file)
        self._report(result.diagnostics)

        built = assemble(
            result,
            use_directory_urls=config.use_directory_urls,
            site_url=config.site_url,
            authored={f.src_uri for f in files},
            diagrams=lambda context: self._diagrams(context, config),
        )
        self.context = built.context
        for page in built.displaced:
            log.warning(
                f"{page.src_uri} already exists in the docs folder, so journeysite does not "
                f"generate its {page.title} page there: rename or remove that file"
            )
        for src_uri, text in built.files.items():
            files.append(File.generated(config, src_uri, content=text))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.context is None:
            return nav
        generated: list[site.NavItem] = [
            (p.title, p.src_uri) for p in site.GENERATED if p.name in self.context.linker.src_of
        ]
        return navigation(nav, config, files, self.context.handbook, self.context.relations, generated)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.context is None:
            return markdown
        context = self.context.at(page.file.src_uri)
        if page.file.abs_src_path:
            # Authored pages only: a generated page is ours, and `[[…]]` in it is escaped front-matter
            # text (a title), which must show as written, not become a link inside an attribute.
            markdown = loading.replace_body_refs(markdown, lambda kind, id: _body_link(context, kind, id))
            _escape_meta(page)
        entity = context.handbook.entity_of(page.file.src_uri) if page.file.abs_src_path else None
        if entity is not None:
            markdown = entity_page.render(context, entity, markdown)
        return self.stash.stash_marked(markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.context is not None and page.file.abs_src_path and not self.settings.allow_raw_html:
            # What people wrote (raw HTML included) is sanitised; what journeysite generated is still
            # behind its placeholders, and comes back after.
            html = sanitise.page_html(html)
        return self.stash.restore(HTML, html)

    @event_priority(-100)  # after the search plugin indexed the page; before the theme renders it
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        content = page.content
        if self.context is None or not content:
            return context
        page.content = self.stash.restore(LISTING, content)
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if (
            self.renderer is None
            or not self.renderer.available
            or self.context is None
            or self.context.diagrams is None
        ):
            return
        self.renderer.close()  # every diagram is drawn by now (each page waited for its own)
        diagram_set = self.context.diagrams
        out_of_time = 0
        for diagram in diagram_set.diagrams.values():
            result = diagram_set.result(diagram)
            if result is not None and result.out_of_time:
                out_of_time += 1
            elif result is not None and result.error:
                log.warning(f"the diagram '{diagram.title}' could not be drawn: {result.error}")
        if out_of_time:
            log.warning(
                f"Graphviz used up its {self.settings.dot_deadline} seconds for this build, so {out_of_time} "
                "diagram(s) are shown as their source: check that `dot` works (`dot -V`), or raise the "
                "journeysite option `dot_deadline`"
            )
        self.renderer.prune()
        log.debug(f"diagrams: {len(diagram_set.diagrams)}, dot runs: {self.renderer.runs}")

    def on_build_error(self, *, error: Exception) -> None:
        if self.renderer is not None:
            self.renderer.close(cancel=True)

    def on_shutdown(self) -> None:
        # After a finished build there is nothing left; after Ctrl-C, drop the renders not started yet.
        if self.renderer is not None:
            self.renderer.close(cancel=True)

    def _diagrams(self, context: Context, config: MkDocsConfig) -> DiagramSet:
        """Build every diagram's DOT and start rendering what the cache does not already hold: ``dot``
        draws on the other core while MkDocs renders the pages."""
        found = diagrams.all_diagrams(context.handbook, context.relations, context.gap_entities)
        cache = Path(config.config_file_path or config.docs_dir).parent / ".cache" / "plugin" / "journeysite"
        renderer = DotRenderer(cache, deadline=self.settings.dot_deadline)
        self.renderer = renderer
        if not renderer.available:
            log.warning(
                f"Graphviz's `dot` program was not found, so diagrams are shown as their source: "
                f"{INSTALL_HELP}"
            )
            return DiagramSet(context.handbook, self.stash, found, {}, missing_dot=True)
        rendered = renderer.start_all({d.name: d.dot for d in found.values()})
        return DiagramSet(context.handbook, self.stash, found, rendered)

    def _report(self, diagnostics: list[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.severity == ERROR]
        for d in diagnostics:
            if d.severity == WARNING:
                log.warning(log_line(d))
            elif d.severity == INFO:
                log.info(log_line(d))
        if errors:
            listing = "\n".join(f"  {neutral.log(log_line(d))}" for d in errors)
            raise PluginError(
                f"journeysite found {len(errors)} error(s) in the handbook; fix them and build again:\n{listing}"
            )


def _escape_meta(page: Page) -> None:
    """Escape every front-matter text of every page, entity or not: MkDocs' and mkdocs-material's
    templates (and the search index) print ``title``, ``description``, ``author``, tags and the rest
    without escaping."""
    page.meta = _escaped(page.meta)
    if isinstance(page.meta.get("title"), str):
        page.title = page.meta["title"]


def _escaped(value):
    if isinstance(value, str):
        return markup.text(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def _body_link(context: Context, kind: str, entity_id: str) -> str | None:
    entity = context.handbook.get(kind, entity_id)
    path = context.linker.md_path(entity) if entity else None
    return f"[{markup.md(entity.title)}]({path})" if entity and path else None
