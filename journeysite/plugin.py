"""The MkDocs plugin: a thin door that runs the pipeline, then hands the model to the renderers."""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
from datetime import UTC, date, datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from . import diagrams, loading, markup, neutral, pipeline, relations, review, sanitise, site
from .config import JourneysiteConfig
from .diagnostics import ERROR, INFO, WARNING, Diagnostic
from .dot_render import INSTALL_HELP, DotRenderer
from .export import journey_json
from .links import Linker
from .pages import Context, generated
from .pages import entity as entity_page
from .pages.diagram import DiagramSet
from .settings import ConfigError, Settings

log = get_plugin_logger("journeysite")


class _OneLine(logging.Filter):
    """Every record journeysite logs is one neutral line: a title holding a line break, a terminal escape
    or a GitHub workflow command (``::add-mask::``) cannot reach the build log as such."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = neutral.log(record.getMessage()), None
        return True


log.logger.addFilter(_OneLine())
# Placeholders for stashed HTML: "html" blocks return right after Markdown, "listing" blocks only once
# the search plugin has indexed the page. A token drawn per build keeps authored HTML from matching.
_PLACEHOLDER = re.compile(r'<div data-jsite-html="([0-9a-f]+-\d+)"></div>')
_LISTING = re.compile(r'<div data-jsite-listing="([0-9a-f]+-\d+)"></div>')


def log_line(d: Diagnostic) -> str:
    segments = f" (segments: {', '.join(d.segments)})" if d.segments else ""
    return f"{d.file}:{d.line}: {d.message}{segments} [{d.code}]"


def build_date() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def theme_dir() -> Path:
    """The CSS and overrides: inside the installed wheel, else the source checkout's ``theme/``."""
    here = Path(__file__).resolve().parent
    return here / "theme" if (here / "theme").is_dir() else here.parent / "theme"


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):
    """Validates the handbook, then adds its generated sections, pages, navigation and journey.json."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.result: pipeline.Result | None = None
        self.context: Context | None = None
        self.settings = Settings()
        self.renderer: DotRenderer | None = None
        self.html: dict[str, str] = {}  # generated HTML kept out of Markdown, by placeholder
        self.keys = itertools.count()  # placeholders are unique in a build: listings wait for on_page_context
        self.token = secrets.token_hex(4)

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
        self.result = result = pipeline.run(
            docs_dir, self.settings, [f.src_uri for f in pages], [f.src_uri for f in others], build_date()
        )
        for file in [*pages, *others]:  # never published, even by a `mkdocs serve` that goes on
            if loading.unsafe_file(docs_dir, file.src_uri) is not None:
                files.remove(file)
        self._report(result.diagnostics)

        today = build_date()
        handbook = result.handbook
        items = review.items(handbook, self.settings, today, git_dates=review.git_commit_dates(docs_dir))
        linker = Linker(config.use_directory_urls, {e.key: e.file for e in handbook.all()})
        for page in site.GENERATED:
            linker.src_of[page.name] = page.src_uri
        self.context = context = Context(
            handbook=handbook,
            relations=relations.build(handbook),
            diagnostics=result.diagnostics,
            settings=self.settings,
            review={item.file: item for item in items},
            today=today,
            linker=linker,
            site_url=config.site_url,
        )
        if self.settings.diagrams:
            context.diagrams = self._diagrams(context, config)
        for page in site.GENERATED:
            if files.get_file_from_path(page.src_uri) is not None:
                log.warning(
                    f"{page.src_uri} already exists in the docs folder, so journeysite does not "
                    f"generate its {page.title} page there: rename or remove that file"
                )
                linker.src_of.pop(page.name)
        for page in site.GENERATED:
            if page.name in linker.src_of:
                markdown = generated.render(page, context.at(page.src_uri))
                files.append(File.generated(config, page.src_uri, content=markdown))
        stylesheet = (theme_dir() / "journeysite.css").read_text(encoding="utf-8")
        files.append(File.generated(config, site.STYLESHEET, content=stylesheet))
        urls = {key: linker.url(key) or "" for key in linker.src_of}
        files.append(
            File.generated(
                config,
                site.JOURNEY_JSON,
                content=journey_json(handbook, result.diagnostics, context.review, urls, today),
            )
        )
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.context is None:
            return nav
        handbook = self.context.handbook

        def page_of(src_uri: str) -> Page | None:
            file = files.get_file_from_path(src_uri)
            return file.page if file is not None and isinstance(file.page, Page) else None

        def build(plan: list) -> list:
            built: list[Page | Section] = []
            for title, target in plan:
                if isinstance(target, list):
                    children = build(target)
                    if children:
                        built.append(Section(markup.text(title), children))
                elif (page := page_of(target)) is not None:
                    built.append(page)
            return built

        plan: list[site.NavItem]
        generated_pages: list[site.NavItem] = [
            (p.title, p.src_uri) for p in site.GENERATED if p.name in self.context.linker.src_of
        ]
        if config.nav is None:
            placed = {e.file for e in handbook.all()} | {str(src) for _, src in generated_pages}
            rest = [
                item for item in nav.items if not (isinstance(item, Page) and item.file.src_uri in placed)
            ]
            rest = [item for item in rest if not _only_entity_pages(item, placed)]
            start = [item for item in generated_pages if item[1] == "start-here.md"]
            plan = start + [("Journey", [g for g in generated_pages if g[1] != "start-here.md"])]
            plan += site.entity_sections(handbook, self.context.relations)
            items = _leading_pages(rest) + build(plan) + _trailing(rest)
        else:
            in_nav = {p.file.src_uri for p in nav.pages}
            plan = [
                (
                    "Customer journey",
                    generated_pages + site.entity_sections(handbook, self.context.relations, exclude=in_nav),
                )
            ]
            items = list(nav.items) + build(plan)
        navigation = _navigation(items)
        if len(navigation.pages) > site.PRUNE_ABOVE:
            _prune_navigation(config, len(navigation.pages))
        return navigation

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
        return markup.STASHED_HTML.sub(self._stash, markdown)

    def _stash(self, match: re.Match[str]) -> str:
        key = f"{self.token}-{next(self.keys)}"
        self.html[key] = match.group(2)
        return f'<div data-jsite-{match.group(1)}="{key}"></div>'

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.context is not None and page.file.abs_src_path and not self.settings.allow_raw_html:
            # What people wrote (raw HTML included) is sanitised; what journeysite generated is still
            # behind its placeholders, and comes back after.
            html = sanitise.page_html(html)
        if "data-jsite-html" not in html:
            return html
        return _PLACEHOLDER.sub(lambda m: self.html.pop(m.group(1), ""), html)

    @event_priority(-100)  # after the search plugin indexed the page; before the theme renders it
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        content = page.content
        if self.context is None or not content:
            return context
        if "data-jsite-listing" in content:
            content = _LISTING.sub(lambda m: self.html.pop(m.group(1), ""), content)
        if self.context.diagrams is not None:
            content = self.context.diagrams.fill_slots(content)
        page.content = content
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
            return DiagramSet(context.handbook, found, {}, missing_dot=True)
        rendered = renderer.start_all({d.name: d.dot for d in found.values()})
        return DiagramSet(context.handbook, found, rendered)

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


def _prune_navigation(config: MkDocsConfig, pages: int) -> None:
    """Turn on mkdocs-material's ``navigation.prune``: each page then renders only the navigation on
    its own path, which the sections journeysite plans are sized for. Without it every page renders
    the whole navigation, and a large handbook's build grows with the square of its pages."""
    theme = config.theme
    if theme.name != "material":
        return
    features = theme["features"] if "features" in theme and theme["features"] else []
    features = [features] if isinstance(features, str) else list(features)
    if "navigation.prune" in features:
        return
    if "navigation.expand" in features:  # the two do not work together: the user's choice stands
        log.info(
            f"navigation.expand is on, so journeysite leaves navigation.prune off: each of the {pages} pages "
            "renders the whole navigation, which makes a large handbook slow to build"
        )
        return
    theme["features"] = [*features, "navigation.prune"]
    log.info(
        f"{pages} pages: journeysite turns on mkdocs-material's navigation.prune, so each page renders "
        "only the navigation on its path"
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


def _only_entity_pages(item, placed: set[str]) -> bool:
    """True for an auto-nav section that holds nothing but entity pages (now placed by kind)."""
    if isinstance(item, Page):
        return item.file.src_uri in placed
    children = getattr(item, "children", None) or []
    return bool(children) and all(_only_entity_pages(c, placed) for c in children)


def _leading_pages(items: list) -> list:
    """The plain pages at the top of the auto nav (the home page first)."""
    return [item for item in items if isinstance(item, Page)]


def _trailing(items: list) -> list:
    return [item for item in items if not isinstance(item, Page)]


def _navigation(items: list) -> Navigation:
    """A Navigation with parents and previous/next links set, as MkDocs sets them for its own."""
    pages: list[Page] = []

    def visit(children: list, parent) -> None:
        for child in children:
            child.parent = parent
            if isinstance(child, Page):
                pages.append(child)
            elif getattr(child, "children", None):
                visit(child.children, child)

    visit(items, None)
    for before, after in zip([None, *pages], [*pages, None], strict=False):
        if before is not None:
            before.next_page = after
        if after is not None:
            after.previous_page = before
    return Navigation(items, pages)
