"""The MkDocs plugin: a thin door that maps MkDocs' events onto the pipeline and the site layer."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from journeysite.core import pipeline
from journeysite.core.analysis.dates import build_date
from journeysite.core.reading.loading import Stamp
from journeysite.core.settings import ConfigError, Settings
from journeysite.plugin import dirty_serve, incremental, nav_memo, parallel
from journeysite.plugin.config import JourneysiteConfig
from journeysite.plugin.log import guard_build_log, log, report
from journeysite.plugin.nav import navigation
from journeysite.render import authored, rebuild, sanitise, site
from journeysite.render.assemble import SiteFiles, assemble, theme_dir
from journeysite.render.diagrams import dot
from journeysite.render.diagrams.job import DiagramJob
from journeysite.render.page_store import PageStore
from journeysite.render.pages import Context
from journeysite.render.rebuild import Rebuild, digest
from journeysite.render.stash import HTML, LISTING, Stash


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):
    """Validates the handbook, then adds its generated sections, pages, navigation and journey.json."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.rebuild: Rebuild | None = None  # while `mkdocs serve` runs: what each rebuild can keep
        self.log_watch = incremental.LogWatch()
        self.templates = incremental.TemplateCache()
        self.disk_store = False  # `mkdocs build`: keep pages across builds, on disk (signed)
        self.store: PageStore | None = None
        self.kept_site: incremental.KeptSite | None = None  # the last build's generated site, to reuse
        self.sources = incremental.Sources()  # what MkDocs read of each page in the last build
        # While `mkdocs serve` runs: the model, while its inputs stay the same, and its model_signature.
        self.last_run = pipeline.Memo()
        self.signed: tuple[pipeline.Result, tuple[str, ...], str] | None = None
        self.command = ""
        # `mkdocs serve --dirty`: journeysite decides which pages MkDocs builds (``dirty_serve``)
        self.dirty = self.exact_dirty = self.warned_dirty = False
        self.quiet_dirty = dirty_serve.QuietDirtyWarning(lambda: self.exact_dirty)
        self.copied: dict[str, Stamp] = {}  # the files besides pages, as last copied
        self._reset()

    def _reset(self) -> None:
        if hasattr(self, "converter"):  # (a build that ended without on_build_error: Ctrl-C in serve)
            self._stop_copies()
        self.context: Context | None = None
        self.two_cores = False  # the second core can take part in this build
        self.built: SiteFiles | None = None
        self.same_model = False  # the model is the last build's
        self.deferred: set[str] = set()  # generated pages given to MkDocs before their text
        self.settings = Settings()
        self.drawing: DiagramJob | None = None
        self.stash = Stash()  # generated HTML kept out of Markdown, until its phase puts it back
        self.nav: Navigation | None = None
        self.navigation = ""  # the navigation's signature, once every page has its title
        self.converting: dict[str, tuple[str, int]] = {}  # src_uri -> (its HTML key, log count before)
        self.rendering: tuple[str, int] | None = None
        # (src_uri, url) of each page, in the order the search plugin indexes them
        self.search_order: list[tuple[str, str]] = []
        # kept pages whose search entries are put back from the last build: those entries
        self.hidden: dict[str, list] = {}
        self.search_shortcut = False
        self.copying: dict[str, Stamp] = {}  # the same, as this build copies them
        self.page_order: dict[str, int] = {}  # each page's place in MkDocs' order (`serve --dirty`)
        # The search plugin's list of this build's entries (`serve --dirty`): the list it appends each
        # page's to. (In a dirty build it puts the last build's and these in a new list, which it writes.)
        self.indexed: list | None = None
        # A forked copy of the build converting, then rendering, the last pages (``parallel``).
        self.converter: parallel.Worker | None = None
        self.renderer: parallel.Worker | None = None
        self.meta_before: dict[str, MutableMapping[str, Any]] = {}  # the renderer's pages' front matter
        self.search_entries: list | None = None  # in the renderer: the search plugin's index
        # in the renderer: each page's output, search entries, and (listings, figures) when it has a figure
        self.made: dict[str, tuple[str, list | None, tuple[Any, Any] | None]] | None = None
        self.indexed_from = 0

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes `mkdocs serve` keep this plugin across its rebuilds: each rebuild
        # keeps the pages that cannot have changed; with --dirty, those are not even written again.
        self.rebuild = Rebuild() if command == "serve" else None
        self.kept_site, self.sources = None, incremental.Sources()  # nothing of an earlier command
        self.last_run, self.signed = pipeline.Memo(), None
        self.disk_store = command == "build" and not dirty
        self.dirty = command == "serve" and dirty  # (`build --dirty` stays MkDocs' own: journeysite is out)
        self.command = "" if dirty and not self.dirty else command
        self.copied, self.warned_dirty = {}, False
        incremental.no_collection_at_exit()
        if self.dirty:
            self.quiet_dirty.attach()
        if self.rebuild is not None:
            self.log_watch.attach()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()  # on every build, so `mkdocs serve` rebuilds start clean
        guard_build_log()
        self.log_watch.watch_this_thread()  # (the one that builds: `serve`'s server thread logs too)
        self.exact_dirty = False  # (until journeysite is known to be on, and able)
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
        reason = incremental.why_not(config) if self.dirty else None
        self.exact_dirty = self.dirty and reason is None
        if reason is not None and not self.warned_dirty:
            self.warned_dirty = True
            log.warning(
                f"`mkdocs serve --dirty` rebuilds only the pages you edit, because {reason}: pages that "
                "list, link to or diagram an edited page may show it as it was; serve without --dirty"
            )
        return config

    @event_priority(50)  # before other plugins look at the files, so they see the generated pages too
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        with incremental.collector_paused():  # (the model, the pages kept: they live as long as the build)
            return self._files(files, config)

    def _files(self, files: Files, config: MkDocsConfig) -> Files:
        docs_dir = Path(config.docs_dir)
        cache = Path(config.config_file_path or config.docs_dir).parent / ".cache" / "plugin" / "journeysite"
        if self.disk_store:  # `mkdocs build` (`serve --clean` too): what it keeps is read anew each build
            if self.store is not None:  # (a build that ended without on_post_build: Ctrl-C in serve)
                self.store.close()
            self.store = incremental.page_store(config, cache)  # None without the key
            if self.store is not None:
                self.store.prefetch()  # (read while the pipeline runs)
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
                keep_parsed=self.disk_store,  # `mkdocs build`: the front matter parsed, for the next one
                memo=self.last_run,
            )
        except ConfigError as exc:  # a setting the handbook contradicts (start_here_team)
            raise PluginError(f"journeysite: {exc}") from None
        for file in [*pages, *others]:  # never published, even by a `mkdocs serve` that goes on
            if file.src_uri in result.refused:
                files.remove(file)
        report(result.diagnostics)
        authored_files = {f.src_uri for f in files}
        # The second core can take part: `mkdocs build`/`serve`, and no plugin journeysite does not know.
        self.two_cores = two_cores = bool(
            self.settings.parallel
            and self.command in ("build", "serve")
            and incremental.why_not(config) is None
            and parallel.usable()
        )
        if self.disk_store:
            self.rebuild = Rebuild() if self.store is not None or two_cores else None
            if self.rebuild is not None:
                self.log_watch.attach()
        # When the model is the last build's (a body edit), so is everything generated from it.
        model = self._model_signature(result, authored_files, config) if self.rebuild is not None else ""
        kept = self.kept_site if self.kept_site is not None and self.kept_site.model == model else None
        self.same_model = kept is not None  # then each page's quick key finds its kept HTML
        if kept is not None:  # `mkdocs serve`, in memory
            built, self.stash, self.drawing = kept.built, kept.stash, kept.drawing
        else:
            self.drawing = drawing = DiagramJob(cache, self.settings.dot_deadline)
            stored, extra = self.store.load_site(model) if self.store is not None else ({}, None)
            self.same_model = bool(stored)
            found = dot.from_data(extra)  # the diagrams' DOT, when the model is the last build's
            built = assemble(
                result,
                use_directory_urls=config.use_directory_urls,
                site_url=config.site_url,
                authored=authored_files,
                diagrams=lambda context: drawing.start(context, self.stash, found),
                kept=stored,  # `mkdocs build`: the generated pages of the last build of this model
                # rendered when MkDocs reads them: the last pages, so mostly by the second core
                defer=two_cores,
            )
        for warning in self.drawing.warnings_at_start if self.drawing and self.settings.diagrams else []:
            log.warning(warning)
        self.kept_site = incremental.KeptSite(model, built, self.stash, self.drawing) if model else None
        self.context, self.built = built.context, built
        for page in built.displaced:
            log.warning(
                f"{page.src_uri} already exists in the docs folder, so journeysite does not "
                f"generate its {page.title} page there: rename or remove that file"
            )
        for src_uri, text in built.files.items():  # (a deferred page's text comes in on_pre_page)
            files.append(File.generated(config, src_uri, content=text))
        self.deferred = set(built.later)
        last_signature = self.rebuild.signature if self.rebuild is not None else ""
        if self.rebuild is not None:
            signature = incremental.build_signature(config, files)
            self.rebuild.begin(signature, incremental.why_not(config))
            self.rebuild.model = model
            self.search_shortcut = incremental.indexed_by_material(config)
            store = self.store if self.rebuild.active else None
            if store is not None:
                self.rebuild.pages = store.load(signature)  # what the last build kept, if signed
            # (a kept figure must show the drawing this build has of its diagram)
            self.rebuild.drop_stale_figures(self.drawing.drawn if self.drawing else lambda name: None)
            if store is not None:
                self.rebuild.quick = {src: (p.quick, p.key) for src, p in self.rebuild.pages.items()}
                self.sources.known = {src: p.read for src, p in self.rebuild.pages.items() if p.read}
        if self.exact_dirty and self.rebuild is not None:
            if self.rebuild.signature != last_signature:  # (the first build too, and after a failed one)
                dirty_serve.start_empty(config.site_dir)
            dirty_serve.read_every_page(files)
            self.copying = dirty_serve.copy_changed(files, self.copied)
        return files

    def _model_signature(
        self, result: pipeline.Result, authored_files: set[str], config: MkDocsConfig
    ) -> str:
        """``rebuild.model_signature`` of this build, the last one's again when its model is (``last_run``)."""
        more = (
            repr(sorted(authored_files)),
            repr(config.use_directory_urls),
            repr(config.site_url),
            *rebuild.tree_stamps(str(theme_dir())),  # the stylesheet and script it adds
        )
        last = self.signed
        if last is None or last[0] is not result or last[1] != more:
            self.signed = last = (result, more, rebuild.model_signature(result, *more))
        return last[2]

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.context is None:
            return nav
        generated: list[site.NavItem] = [
            (p.title, p.src_uri) for p in site.GENERATED if p.name in self.context.linker.src_of
        ]
        self.nav = navigation(nav, config, files, self.context.handbook, self.context.relations, generated)
        if self._parallel:  # the last pages' Markdown converted on the second core
            assert self.rebuild is not None
            drawn = self.drawing.diagrams if self.drawing is not None else None
            if drawn is not None:  # (so a page with a diagram has a figure the parent's stash holds)
                drawn.put_figures(self.context.linker)
            # A kept page (the last build's, in memory or from the store) is the parent's when the model
            # is the last build's: its quick key finds it at once. Else journeysite's Markdown of it is
            # made again, and the copy shares that work.
            kept = self.rebuild.pages if self.same_model else {}
            shared = self.stash.keys()
            self.converter = parallel.Worker.start(
                self._pages(files),
                lambda f: f.src_uri not in kept,
                lambda f: self._converted(f, config, files, shared),
                self.log_watch,
                incremental.BUILDER_LOGGERS,
            )
        return self.nav

    @property
    def _parallel(self) -> bool:
        return self.two_cores and self.rebuild is not None and self.rebuild.active

    def _stop_copies(self) -> None:
        for worker in (self.converter, self.renderer):
            if worker is not None:
                worker.cancel()
        self.converter = self.renderer = None

    def _pages(self, files: Files) -> list[File]:
        """The pages MkDocs converts and renders in this build, in its order; none (so no second core)
        when there are drafts, which only a serve build shows: `serve --clean` starts as "build"."""
        pages = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        if len(pages) != len(files.documentation_pages(inclusion=InclusionLevel.is_included)):
            return []
        return [f for f in pages if f.page is not None]

    def _converted(self, file: File, config: MkDocsConfig, files: Files, shared: frozenset[str]):
        """In the converter: convert a page as MkDocs does; hand it back, with its fingerprints and how
        MkDocs read it, when it logged nothing and its listings are known here or in the parent
        (``shared``: the generated pages' diagrams); else None."""
        assert self.rebuild is not None
        deferred = self.built is not None and file.src_uri in self.built.later
        if not parallel.populate(file, config, files):
            return None
        text = self.built.files.get(file.src_uri) if deferred and self.built is not None else None
        quick, seen = self.rebuild.quick.get(file.src_uri), self.sources.seen.get(file.src_uri)
        page = self.rebuild.pages.get(file.src_uri)
        listings = self.stash.contents(LISTING, page.content, shared) if page is not None else None
        if page is None or listings is None:  # (a diagram whose figure only this copy's stash has)
            return None
        if file.src_uri in self.rebuild.kept_html:  # its HTML is the parent's too: only its keys go back
            return None, quick, seen, text
        if page.listings is None:
            page.listings = listings
        return page, quick, seen, text

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        src_uri = page.file.src_uri
        if self.converter is not None and src_uri in self.converter and not self.converter.mine(src_uri):
            self._take_converted(src_uri)
        if src_uri in self.deferred and self.built is not None:  # a generated page: its text now
            self.deferred.discard(src_uri)
            page.file.content_string = self.built.text(src_uri)
        if self.rebuild is not None and self.rebuild.active and page.file.abs_src_path:
            self.sources.read_once(page)
        return page

    def _take_converted(self, src_uri: str) -> None:
        """What the converter made of a page: a kept page now (``on_page_markdown`` finds it)."""
        assert self.converter is not None and self.rebuild is not None
        made = self.converter.made(src_uri)
        if made is None:
            return  # converted here
        page, quick, seen, text = made
        if text is not None and self.built is not None:  # a generated page it rendered
            self.built.later.pop(src_uri, None)
            self.built.files[src_uri] = text
        if page is not None:  # (None: it kept the page's HTML, which the parent has)
            self.rebuild.pages[src_uri] = page
            self.rebuild.converted_elsewhere.add(src_uri)
        if quick is not None:
            self.rebuild.quick[src_uri] = quick
        if seen is not None:
            self.sources.seen[src_uri] = seen

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.context is None:
            return markdown
        src_uri = page.file.src_uri
        quick, known = (
            self.rebuild.quick_key(src_uri, page.url, markdown, page.meta, page.title)
            if self.rebuild is not None
            else ("", None)
        )
        rebuild = self.rebuild
        kept = rebuild.pages.get(src_uri) if rebuild is not None and known is not None else None
        # (listings unknown: its last build had a diagram not drawn in time; its Markdown makes them again)
        if rebuild and known and kept and kept.listings is not None and rebuild.holds(src_uri, known):
            self._kept(page, known)
            self.stash.adopt(kept.listings)
            return ""  # its Markdown, and so its HTML, are the last build's: on_page_content gives it back
        if page.file.abs_src_path:  # authored, not one of ours
            context = self.context.at(src_uri)
            markdown = authored.markdown(context, markdown, context.handbook.entity_of(src_uri))
            page.meta = authored.escaped_meta(page.meta)
            if isinstance(page.meta.get("title"), str):
                page.title = page.meta["title"]
        markdown = self.stash.stash_marked(markdown)
        if self.rebuild is not None:
            key = self.rebuild.html_key(src_uri, page.url, markdown, page.meta, page.title)
            self.rebuild.quick[src_uri] = (quick, key)
            if self._kept(page, key):
                return ""  # the same as in the last build: on_page_content gives the page its HTML back
        return markdown

    def _kept(self, page: Page, key: str) -> bool:
        """Whether the page's HTML is the last build's (``key``): then it is not converted again."""
        assert self.rebuild is not None
        self.converting[page.file.src_uri] = (key, self.log_watch.count)
        if self.rebuild.keep_html(page.file.src_uri, key) is None:
            return False
        incremental.skip_conversion(page)
        return True

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.rebuild is not None and page.file.src_uri in self.rebuild.kept_html:
            return incremental.restore(page, self.rebuild.pages[page.file.src_uri], files)
        # Placeholders in HTML's form first: one that Markdown left inside what an author wrote (an
        # attribute's value) is escaped by the sanitiser below, so it is never put back there.
        html = self.stash.from_markdown(html)
        if self.context is not None and page.file.abs_src_path:
            if "title" not in page.meta and page.title:  # MkDocs took it from a heading or the file name
                page.title = page.meta["title"] = authored.escaped_title(page.title)
            if not self.settings.allow_raw_html:
                html = sanitise.page_html(html)  # what people wrote; ours is still behind its placeholders
        html = self.stash.restore(HTML, html)
        key, logged = self.converting.pop(page.file.src_uri, ("", -1))
        if self.rebuild is not None and logged == self.log_watch.count:  # nothing logged converting it
            page.content = html
            kept = incremental.snapshot(page, key)
            kept.quick = self.rebuild.quick.get(page.file.src_uri, ("", ""))[0]
            kept.read = self.sources.record(page.file.src_uri) if self.store is not None else None
            kept.listings = self.stash.contents(LISTING, html)
            self.rebuild.remember_html(page.file.src_uri, kept)
        return html

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        if self.rebuild is not None:
            env.bytecode_cache = self.templates
        if self.config.enabled and self.nav is not None and incremental.why_not(config) is None:
            nav_memo.install(env, self.nav)
        # Every page has its title now, so the navigation every page shows is known.
        if self.converter is not None:  # every page is converted: it has ended
            self.converter.finish()
            self.converter = None
        if self.rebuild is None or not self.rebuild.active or self.nav is None:
            return env
        self.navigation = incremental.nav_signature(self.nav, config)
        incremental.install_kept_template(env, self.rebuild)
        leave = self._left_written(config)
        for src_uri in self.rebuild.keep_outputs(self.navigation):
            file = files.get_file_from_path(src_uri)
            if file is not None and file.page is not None:
                incremental.keep_output(file.page)
                if leave(src_uri):  # `serve --dirty`: in the site folder as it is
                    dirty_serve.leave_written(file)
                    self.search_order.append((src_uri, file.page.url))
                    self.hidden[src_uri] = self.rebuild.pages[src_uri].search or []
        if self.exact_dirty:
            pages = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)  # (MkDocs' order)
            self.page_order = {f.src_uri: i for i, f in enumerate(pages)}
            self.indexed = incremental.search_entries(config)
        if self._parallel:  # pages rendered on the second core too
            rebuild, stash, doc_files = self.rebuild, self.stash, self._pages(files)
            pages = [f for f in doc_files if f.src_uri not in rebuild.kept_output]
            self.made, self.search_entries = {}, incremental.search_entries(config)  # (for the copy)
            self.renderer = parallel.Worker.start(
                pages,
                lambda f: (
                    (p := rebuild.pages.get(f.src_uri)) is not None
                    # no diagram still drawing: the threads that draw them are not in the copy
                    and stash.makeable(LISTING, p.content)
                ),
                lambda f: self._rendered(f, config, doc_files, env),
                self.log_watch,
                incremental.BUILDER_LOGGERS,
            )
            self.made, self.search_entries = None, None
            renderer = self.renderer
            eligible = renderer.eligible if renderer is not None else set()
            for file in renderer.files if renderer is not None else []:
                if file.src_uri in eligible and file.page is not None:
                    self.meta_before[file.src_uri] = file.page.meta
                    # Its output may come from the renderer; if not, the kept template renders it here.
                    incremental.keep_output(file.page)
        return env

    def _left_written(self, config: MkDocsConfig) -> Callable[[str], bool]:
        """Which pages whose output is kept MkDocs need not write again (`serve --dirty`): each whose
        search entries are known, when the search index is mkdocs-material's; any, with no search."""
        assert self.rebuild is not None
        pages = self.rebuild.pages
        if not self.exact_dirty:
            return lambda src_uri: False
        if self.search_shortcut:
            return lambda src_uri: pages[src_uri].search is not None
        searchless = not incremental.SEARCH_PLUGINS & set(config.plugins)
        return lambda src_uri: searchless

    def _rendered(self, file: File, config: MkDocsConfig, pages: list[File], env: jinja2.Environment):
        """In the renderer: render a page as MkDocs does; hand back its output and search entries
        (``on_post_page`` collects them) when it logged nothing, else None."""
        assert self.nav is not None and self.made is not None
        parallel.build(file, config, pages, self.nav, env)
        return self.made.pop(file.src_uri, None)

    def _take_rendered(self, file: File) -> None:
        """Whose output the page has: the renderer's, a kept output now; or the parent renders it, with
        its front matter back (the kept template renders it as MkDocs would)."""
        assert self.renderer is not None and self.rebuild is not None and file.page is not None
        src_uri, page = file.src_uri, self.rebuild.pages.get(file.src_uri)
        made = None if self.renderer.mine(src_uri) else self.renderer.made(src_uri)
        if made is None or page is None:
            file.page.meta = self.meta_before.pop(src_uri)
            return
        page.output_key = digest(self.navigation, page.key)
        page.output, page.search, settled = made
        if settled is not None:
            page.listings, page.figures = settled
        self.rebuild.kept_output.add(src_uri)
        self.rebuild.rendered_elsewhere.add(src_uri)

    @event_priority(10)  # before the search plugin indexes the page
    def _before_search(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.renderer is not None and page.file.src_uri in self.renderer:
            self._take_rendered(page.file)
        if self.rebuild is not None and self.rebuild.active:
            src_uri = page.file.src_uri
            self.search_order.append((src_uri, page.url))
            if self.search_entries is not None:  # in the renderer: where this page's entries start
                self.indexed_from = len(self.search_entries)
            kept = self.rebuild.pages.get(src_uri)
            if (
                self.search_shortcut
                and src_uri in self.rebuild.kept_output
                and kept
                and kept.search is not None
            ):
                self.hidden[src_uri] = kept.search  # on_post_build puts them back
                page.content = ""
        return context

    @event_priority(-100)  # after the search plugin indexed the page; before the theme renders it
    def _put_listings_back(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        kept = self.rebuild is not None and page.file.src_uri in self.rebuild.kept_output
        if kept and self.rebuild is not None:  # its output is written as it was, listings and all
            page.content = self.rebuild.pages[page.file.src_uri].content
        elif self.context is not None and page.content:
            page.content = self.stash.restore(LISTING, page.content)
        self.rendering = (page.file.src_uri, self.log_watch.count)
        return context

    on_page_context = CombinedEvent(_before_search, _put_listings_back)

    @event_priority(-100)  # the page's output as it is written, after any other plugin's change
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.rebuild is not None and self.rebuild.active:
            if self.rendering != (page.file.src_uri, self.log_watch.count):
                self.rebuild.forget(page.file.src_uri)  # it logged something: build it again next time
            elif "jsite-diagram-source" not in output:  # a diagram not drawn may be drawn next time
                src_uri = page.file.src_uri
                self.rebuild.remember_output(src_uri, self.navigation, output)
                kept = self.rebuild.pages.get(src_uri)
                if kept is not None and src_uri not in self.rebuild.kept_output:
                    incremental.settle(kept, output, self.stash, self.drawing)
                if self.store is not None and kept is not None:  # on disk now, not held until the end
                    # (a page the renderer made is stored already, by the renderer: ``unchanged``)
                    self.store.put(src_uri, kept, src_uri in self.rebuild.kept_output)
                if self.made is not None:  # the renderer: the page goes to the parent, which writes it
                    entries = self.search_entries
                    figures = kept.figures if kept is not None else None
                    self.made[src_uri] = (
                        output,
                        entries[self.indexed_from :] if entries is not None else None,
                        # (a figure's drawing, and so its listings, are known once it is rendered)
                        (kept.listings, figures) if kept is not None and figures else None,
                    )
                    return ""
                if kept is not None and self.command != "serve":  # written: nothing needs it any more
                    kept.content, kept.output = "", None
        return output

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.renderer is not None:  # every page is written: it has ended
            self.renderer.finish()
            self.renderer = None
        if self.built is not None:
            self.built.complete()  # (a page MkDocs did not read: the store and `serve` keep every text)
        for warning in self.drawing.finish() if self.drawing else []:
            log.warning(warning)
            self.kept_site = None  # a diagram not drawn may be drawn next time
        if self.rebuild is not None and self.context is not None:
            if self.rebuild.active and self.search_shortcut:
                order = self.search_order
                if self.exact_dirty:  # (the pages left written are in MkDocs' order, not the index's)
                    order = sorted(order, key=lambda page: self.page_order[page[0]])
                fresh = self.indexed if self.exact_dirty else None
                incremental.merge_search_index(config, self.rebuild, order, self.hidden, fresh)
            if self.store is not None and self.rebuild.active:
                self.store.finish(self.rebuild.pages)
                if self.kept_site is not None:
                    drawn = self.drawing.diagrams if self.drawing is not None else None
                    extra = dot.as_data(drawn.diagrams) if drawn is not None else None
                    self.store.save_site(self.kept_site.model, self.kept_site.built.files, extra)
            log.info(self.rebuild.summary())
        if self.store is not None:
            self.store.close()  # (its locks on the packs it read: another build may tidy them now)
        if self.exact_dirty:
            self.copied = self.copying
        incremental.collector_back()

    def on_build_error(self, *, error: Exception) -> None:
        incremental.collector_back()
        if self.store is not None:
            self.store.close()
        self.kept_site = None
        self._stop_copies()
        if self.rebuild is not None:
            self.rebuild.begin("", "the last build failed")  # keep nothing of a build that did not finish
        if self.drawing is not None:
            self.drawing.cancel()

    def on_shutdown(self) -> None:
        self.log_watch.detach()
        self.quiet_dirty.detach()
        self._stop_copies()
        # After a finished build there is nothing left; after Ctrl-C, drop the drawings not started yet.
        if self.drawing is not None:
            self.drawing.cancel()
