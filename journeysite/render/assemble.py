"""The site journeysite adds to a build: from the pipeline's result to the files MkDocs is given.

One function, used by the plugin and by the tests that render without MkDocs: the linker, the
renderers' context, the generated pages' Markdown, the stylesheet and ``journey.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path

from journeysite.core import relations
from journeysite.core.pipeline import Result
from journeysite.render import site
from journeysite.render.diagrams.inline import DiagramSet
from journeysite.render.export import journey_json
from journeysite.render.links import Linker
from journeysite.render.pages import Context, generated


@dataclass
class SiteFiles:
    """What the build gets: each file's text by its path in the site, and the renderers' context."""

    context: Context
    files: dict[str, str] = field(default_factory=dict)  # src_uri -> text ("" until a deferred one's made)
    displaced: list[site.GeneratedPage] = field(default_factory=list)  # an authored page has its path
    # Generated pages not rendered yet (``assemble(defer=True)``): src_uri -> what renders the text.
    later: dict[str, Callable[[], str]] = field(default_factory=dict)

    def text(self, src_uri: str) -> str:
        """A generated file's text, rendered now if it was deferred."""
        if src_uri in self.later:
            self.files[src_uri] = self.later.pop(src_uri)()
        return self.files[src_uri]

    def complete(self) -> dict[str, str]:
        """Every file's text, the deferred ones rendered now."""
        for src_uri in list(self.later):
            self.text(src_uri)
        return self.files


def theme_dir() -> Path:
    """The CSS and overrides: inside the installed wheel, else the source checkout's ``theme/``."""
    package = Path(__file__).resolve().parents[1]  # journeysite/
    return package / "theme" if (package / "theme").is_dir() else package.parent / "theme"


def assemble(
    result: Result,
    *,
    use_directory_urls: bool,
    site_url: str | None = None,
    authored: Set[str] = frozenset(),
    diagrams: Callable[[Context], DiagramSet | None] | None = None,
    link_form: str = "url",
    kept: Mapping[str, str] | None = None,
    defer: bool = False,
) -> SiteFiles:
    """The generated files of the site for ``result``. ``authored``: the paths the docs folder already
    has (a generated page there is left out); ``diagrams``: makes the diagram set, when diagrams are on;
    ``link_form``: how raw HTML links (``Linker.form``; ``generate --target zensical`` writes "source");
    ``kept``: generated files as an earlier build of the same model made them, used as they are;
    ``defer``: the generated pages are rendered when ``SiteFiles.text`` asks for them (where the build
    reads them: the second core renders the last pages, ``plugin.parallel``)."""
    kept = kept or {}
    handbook = result.handbook
    linker = Linker(use_directory_urls, {e.key: e.file for e in handbook.all()}, form=link_form)
    displaced = [page for page in site.GENERATED if page.src_uri in authored]
    for page in site.GENERATED:
        if page not in displaced:
            linker.src_of[page.name] = page.src_uri
    context = Context(
        handbook=handbook,
        relations=relations.build(handbook),
        diagnostics=result.diagnostics,
        accepted=result.accepted,
        capacity=result.capacity,
        settings=result.settings,
        review=result.review,
        today=result.today,
        linker=linker,
        site_url=site_url,
    )
    if diagrams is not None and result.settings.diagrams:
        context.diagrams = diagrams(context)
    out = SiteFiles(context, displaced=displaced)
    for page in site.GENERATED:
        if page in displaced:
            continue
        if kept.get(page.src_uri):
            out.files[page.src_uri] = kept[page.src_uri]
        else:
            out.files[page.src_uri], out.later[page.src_uri] = "", _renderer(page, context)
            if not defer:
                out.text(page.src_uri)
    out.files[site.STYLESHEET] = (theme_dir() / "journeysite.css").read_text(encoding="utf-8")
    out.files[site.SCRIPT] = (theme_dir() / "journeysite.js").read_text(encoding="utf-8")
    urls = {key: linker.url(key) or "" for key in linker.src_of}
    out.files[site.JOURNEY_JSON] = kept.get(site.JOURNEY_JSON) or journey_json(
        handbook, result.diagnostics, result.review, urls, result.today, result.accepted, result.capacity
    )
    return out


def _renderer(page: site.GeneratedPage, context: Context) -> Callable[[], str]:
    return lambda: generated.render(page, context.at(page.src_uri))
