"""The MkDocs plugin: a thin door that maps MkDocs' events onto the pipeline and the site layer."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from journeysite.core import pipeline
from journeysite.core.analysis.dates import build_date
from journeysite.core.settings import ConfigError, Settings
from journeysite.plugin.config import JourneysiteConfig
from journeysite.plugin.log import guard_build_log, log, report
from journeysite.plugin.nav import navigation
from journeysite.render import authored, sanitise, site
from journeysite.render.assemble import assemble
from journeysite.render.diagrams.job import DiagramJob
from journeysite.render.pages import Context
from journeysite.render.stash import HTML, LISTING, Stash


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):
    """Validates the handbook, then adds its generated sections, pages, navigation and journey.json."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.context: Context | None = None
        self.settings = Settings()
        self.drawing: DiagramJob | None = None
        self.stash = Stash()  # generated HTML kept out of Markdown, until its phase puts it back

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()  # on every build, so `mkdocs serve` rebuilds start clean
        guard_build_log()
        if not self.config.enabled:
            return config
        try:
            self.settings = self.config.settings()
        except ConfigError as exc:
            raise PluginError(f"journeysite: {exc}") from None
        if site.STYLESHEET not in config.extra_css:
            config.extra_css.append(site.STYLESHEET)
        if site.SCRIPT not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(site.SCRIPT)
        return config

    @event_priority(50)  # before other plugins look at the files, so they see the generated pages too
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        docs_dir = Path(config.docs_dir)
        pages = [f for f in files.documentation_pages() if f.abs_src_path]
        others = [f for f in files if f.abs_src_path and not f.is_documentation_page()]
        try:
            result = pipeline.run(
                docs_dir,
                self.settings,
                [f.src_uri for f in pages],
                [f.src_uri for f in others],
                build_date(),
                git_dates=True,  # review badges and the review page
                root=Path(config.config_file_path).parent if config.config_file_path else None,
            )
        except ConfigError as exc:  # a setting the handbook contradicts (start_here_team)
            raise PluginError(f"journeysite: {exc}") from None
        for file in [*pages, *others]:  # never published, even by a `mkdocs serve` that goes on
            if file.src_uri in result.refused:
                files.remove(file)
        report(result.diagnostics)
        cache = Path(config.config_file_path or config.docs_dir).parent / ".cache" / "plugin" / "journeysite"
        self.drawing = drawing = DiagramJob(cache, self.settings.dot_deadline)
        for warning in drawing.warnings_at_start if self.settings.diagrams else []:
            log.warning(warning)
        built = assemble(
            result,
            use_directory_urls=config.use_directory_urls,
            site_url=config.site_url,
            authored={f.src_uri for f in files},
            diagrams=lambda context: drawing.start(context, self.stash),
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
        if page.file.abs_src_path:  # authored, not one of ours
            context = self.context.at(page.file.src_uri)
            markdown = authored.markdown(context, markdown, context.handbook.entity_of(page.file.src_uri))
            page.meta = authored.escaped_meta(page.meta)
            if isinstance(page.meta.get("title"), str):
                page.title = page.meta["title"]
        return self.stash.stash_marked(markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.context is not None and page.file.abs_src_path:
            if "title" not in page.meta and page.title:  # MkDocs took it from a heading or the file name
                page.title = page.meta["title"] = authored.escaped_title(page.title)
            if not self.settings.allow_raw_html:
                html = sanitise.page_html(html)  # what people wrote; ours is still behind its placeholders
        return self.stash.restore(HTML, html)

    @event_priority(-100)  # after the search plugin indexed the page; before the theme renders it
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.context is not None and page.content:
            page.content = self.stash.restore(LISTING, page.content)
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for warning in self.drawing.finish() if self.drawing else []:
            log.warning(warning)

    def on_build_error(self, *, error: Exception) -> None:
        if self.drawing is not None:
            self.drawing.cancel()

    def on_shutdown(self) -> None:
        # After a finished build there is nothing left; after Ctrl-C, drop the drawings not started yet.
        if self.drawing is not None:
            self.drawing.cancel()
