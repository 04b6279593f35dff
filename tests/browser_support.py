"""Helpers for the site and browser tests: builds as of a fixed day, a tiny HTML tree, link checks, a static server.

Only the standard library: the built HTML is read with ``html.parser``, the site is served with ``http.server``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import logging
import os
import posixpath
import re
import subprocess
import sys
import textwrap
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MKDOCS = str(BIN / "mkdocs") if (BIN / "mkdocs").exists() else "mkdocs"

# 2026-11-22 00:00 UTC: the day every test build happens on (the plugin honours SOURCE_DATE_EPOCH).
BUILD_DAY = "2026-11-22"
BUILD_EPOCH = "1795305600"


# ---- builds --------------------------------------------------------------------------------------

def build_env(**extra: str) -> dict[str, str]:
    """The environment of a test build: a fixed build day, no mkdocs-material end-of-life notice."""
    env = dict(os.environ)
    env.update(SOURCE_DATE_EPOCH=BUILD_EPOCH, NO_MKDOCS_2_WARNING="1")
    env.update(extra)
    return env


def mkdocs_build(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300,
                 process: bool = False) -> subprocess.CompletedProcess[str]:
    """A real ``mkdocs build`` in ``root`` (a fixed build day unless ``env`` says otherwise): in this
    process through MkDocs' own command line, or with ``process`` as a program of its own (where the
    process boundary is the point)."""
    env = env if env is not None else build_env()
    if process:
        return subprocess.run([MKDOCS, "build", *args], cwd=root, capture_output=True, text=True,
                              timeout=timeout, env=env)
    return mkdocs_in_process(root, "build", *args, env=env)


def cli_runner(**options) -> CliRunner:
    """Click's test runner with stdout and stderr kept apart, as a terminal shows them (click 8.2 always
    does; 8.1, the oldest we support, needs ``mix_stderr=False``)."""
    try:
        return CliRunner(mix_stderr=False, **options)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner(**options)


def mkdocs_in_process(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs ARGS…`` from ``folder`` in this process, with ``env`` as its environment for the run: its
    logging, ``--strict`` and exit status as in a terminal. An exception the command line would have
    shown as a traceback is put in stderr, as the real process would print it."""
    from mkdocs.__main__ import cli as mkdocs_cli

    cwd, saved = os.getcwd(), dict(os.environ)
    os.chdir(folder)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    try:
        result = cli_runner().invoke(mkdocs_cli, list(args), catch_exceptions=True)
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
        logger = logging.getLogger("mkdocs")
        for handler in [h for h in logger.handlers if h.name == "MkDocsStreamHandler"]:
            logger.removeHandler(handler)  # bound to this run's captured stderr
        # MkDocs' command line adds a filter that drops a message logged before: in one process it would
        # hide the next build's messages that repeat this one's (a real `mkdocs` starts afresh).
        build_log = logging.getLogger("mkdocs.commands.build")
        for dedupe in [f for f in build_log.filters if type(f).__name__ == "DuplicateFilter"]:
            build_log.removeFilter(dedupe)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["mkdocs", *args], result.exit_code, result.stdout, stderr)


def write_tree(docs: Path, files: dict[str, str]) -> None:
    """Write pages under ``docs`` (each text dedented, a leading newline dropped)."""
    for relative, text in files.items():
        path = docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def tree_hashes(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---- a tiny HTML tree ----------------------------------------------------------------------------

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass(eq=False)
class Node:
    """An element of a parsed HTML page (``tag`` is "" for the document)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None
    pairs: tuple[tuple[str, str], ...] = ()  # the attributes as written, repeated names included

    @property
    def raw_text(self) -> str:
        """The text directly inside (a script's source, say), as written."""
        return "".join(c for c in self.children if isinstance(c, str))

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def text(self) -> str:
        """The text content, whitespace collapsed (entities already decoded)."""
        return " ".join("".join(self._texts()).split())

    def _texts(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in ("script", "style"):
                yield from child._texts()

    def elements(self) -> Iterator[Node]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.elements()

    def find_all(self, tag: str | None = None, cls: str | None = None,
                 where: Callable[[Node], bool] | None = None) -> list[Node]:
        return [e for e in self.elements()
                if (tag is None or e.tag == tag) and (cls is None or e.has_class(cls)) and (where is None or where(e))]

    def find(self, tag: str | None = None, cls: str | None = None,
             where: Callable[[Node], bool] | None = None) -> Node | None:
        found = self.find_all(tag, cls, where)
        return found[0] if found else None

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self) -> str:  # short, for assertion messages
        return f"<{self.tag} {self.attrs}> {self.text()[:80]!r}"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("")
        self.stack = [self.root]

    def _node(self, tag: str, attrs: list[tuple[str, str | None]]) -> Node:
        pairs = tuple((k, v or "") for k, v in attrs)
        node = Node(tag, dict(pairs), parent=self.stack[-1], pairs=pairs)
        self.stack[-1].children.append(node)
        return node

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = self._node(tag, attrs)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._node(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@functools.lru_cache(maxsize=512)
def _parse_file(path: str, mtime_ns: int) -> Node:
    return parse_html(Path(path).read_text(encoding="utf-8"))


def page(site: Path, relative: str) -> Node:
    """The parsed HTML file ``relative`` (e.g. ``stages/onboarding/index.html``) of a built site."""
    path = site / relative
    assert path.is_file(), f"{relative} was not built; the site has: {sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))}"
    return _parse_file(str(path), path.stat().st_mtime_ns)


def article(site: Path, relative: str) -> Node:
    """The content of a page: material's ``<article class="md-content__inner">``."""
    found = page(site, relative).find("article", "md-content__inner")
    assert found is not None, f"{relative} has no article"
    return found


def h1(node: Node) -> str:
    heading = node.find("h1")
    return heading.text().replace("¶", "").strip() if heading else ""


def section(content: Node, title: str) -> list[Node]:
    """The elements after the ``<h2>`` whose text is ``title``, up to the next ``<h2>``."""
    found: list[Node] = []
    inside = False
    for child in content.children:
        if not isinstance(child, Node):
            continue
        if child.tag == "h2":
            if inside:
                break
            inside = child.text().replace("¶", "").strip() == title
            continue
        if inside:
            found.append(child)
    return found


def section_node(content: Node, title: str) -> Node:
    """A ``Node`` wrapping ``section(content, title)``, so it can be searched; fails if there is none."""
    children = section(content, title)
    headings = [h.text().replace("¶", "").strip() for h in content.children if isinstance(h, Node) and h.tag == "h2"]
    assert children, f"no section {title!r} with content; the page's sections: {headings}"
    wrapper = Node("section", children=list(children))
    return wrapper


def links(node: Node) -> list[tuple[str, str]]:
    """(href, text) of every link below ``node``, in document order."""
    return [(a.attrs.get("href", ""), a.text()) for a in node.find_all("a")]


# ---- links between built pages -------------------------------------------------------------------

def is_relative(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not href.startswith(("/", "#")) and bool(parts.path)


def link_target(page_path: str, href: str) -> str:
    """The site-relative file a relative ``href`` on the page at ``page_path`` points to."""
    path = unquote(urlsplit(href).path)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
    if path.endswith("/") or joined == ".":
        joined = posixpath.join(joined, "index.html") if joined != "." else "index.html"
    return joined


def broken_links(site: Path) -> list[str]:
    """Every relative ``<a href>`` of every HTML page whose target file does not exist."""
    broken: list[str] = []
    for html_file in sorted(site.rglob("*.html")):
        relative = html_file.relative_to(site).as_posix()
        for a in page(site, relative).find_all("a"):
            href = a.attrs.get("href", "")
            if not is_relative(href):
                continue
            target = link_target(relative, href)
            resolved = site / target
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if target.startswith("..") or not resolved.is_file():
                broken.append(f"{relative}: <a href={href!r}> ({a.text()!r}) → {target} does not exist")
    return broken


# ---- a static server for the browser tests -------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """A browser drops connections it no longer needs; the thread still sending then fails, and the
    server would print that to stderr after the test, into whatever the next test captures there."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # (BrokenPipeError, ConnectionResetError)
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yield its base URL ending in ``/``."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ---- a small handbook: three stages (files named out of journey order), two segments -------------

CONFIG = """\
site_name: Test handbook
docs_dir: docs
use_directory_urls: {directory_urls}
theme:
  name: material
plugins:
  - search
  - journeysite{options}
{extra}"""


def config(directory_urls: bool = True, options: str = "", extra: str = "") -> str:
    """A mkdocs.yml for a test handbook (plugin options as indented YAML lines)."""
    return CONFIG.format(directory_urls="true" if directory_urls else "false",
                         options=(":\n" + textwrap.indent(textwrap.dedent(options).strip(), "      ")) if options else "",
                         extra=extra)


def team(title: str, summary: str = "", roles: str = "") -> str:
    lines = ["---", "kind: team", f"title: {title}"]
    if summary:
        lines.append(f"summary: {summary}")
    if roles:
        lines.append(f"roles: {roles}")
    lines += ["reviewed: 2026-10-01", "---", "", f"The {title} team.", ""]
    return "\n".join(lines)


SMALL_HANDBOOK: dict[str, str] = {
    "index.md": "# Test handbook\n\nWelcome. Start with [[stage:purchase]].\n",
    "guide.md": "# Field guide\n\nA plain page, not an entity: it links to [[playbook:onboarding-plan]].\n",
    "mission.md": """
        ---
        kind: mission
        title: Customers decide better, sooner
        owner: customer-success
        statement: Every customer makes better decisions with trusted data.
        values: [Proactive, Honest]
        reviewed: 2026-10-01
        ---

        The mission body, written by people.
        """,
    "teams/customer-success.md": team("Customer Success", "Owns value and renewal.", "[CSM]"),
    "teams/onboarding.md": team("Onboarding", "Takes customers live."),
    "teams/sales.md": team("Sales", "Wins customers."),
    "teams/support.md": team("Support", "Answers questions."),
    "teams/finance.md": team("Finance", "Named by no page, so an orphan-team finding."),
    "segments/enterprise.md": """
        ---
        kind: segment
        title: Enterprise
        owner: customer-success
        touch: high
        reviewed: 2026-10-01
        ---
        """,
    "segments/scale.md": """
        ---
        kind: segment
        title: Scale
        owner: customer-success
        touch: tech
        reviewed: 2026-10-01
        ---
        """,
    # File names sort adoption < onboarding < purchase; the journey is purchase → onboarding → adoption.
    "stages/adoption.md": """
        ---
        kind: stage
        title: Adoption
        summary: The customer gets value every week.
        owner: customer-success
        order: 3
        metrics: [time-to-value]
        reviewed: 2026-10-01
        ---

        # Adoption

        AUTHORED-ADOPTION-BODY: we measure [[metric:time-to-value]] every week.
        """,
    "stages/onboarding.md": """
        ---
        kind: stage
        title: Onboarding & implementation
        summary: The customer goes live.
        owner: onboarding
        raci:
          consulted: [customer-success]
          informed: [support]
        order: 2
        goal: The customer is live on their own data.
        entry: [Contract signed]
        exit: [Go-live reached]
        reviewed: 2026-10-01
        ---

        # Onboarding & implementation

        AUTHORED-ONBOARDING-BODY: this stage follows [[playbook:onboarding-plan]] and ends at
        [[milestone:go-live]].

        ```text
        [[stage:adoption]] stays literal in a code block
        ```

        Inline code stays literal too: `[[team:sales]]`.
        """,
    "stages/purchase.md": """
        ---
        kind: stage
        title: Purchase
        owner: sales
        order: 1
        reviewed: 2026-10-01
        ---
        """,
    "milestones/contract-signed.md": """
        ---
        kind: milestone
        title: Contract signed
        owner: sales
        stage: purchase
        order: 1
        reviewed: 2026-10-01
        ---
        """,
    # Within onboarding, file names sort data-connected < go-live < kickoff-held; the order is kickoff, data, go-live.
    "milestones/data-connected.md": """
        ---
        kind: milestone
        title: Data connected
        owner: onboarding
        stage: onboarding
        order: 2
        reviewed: 2026-10-01
        ---
        """,
    "milestones/go-live.md": """
        ---
        kind: milestone
        title: Go-live
        owner: onboarding
        stage: onboarding
        order: 3
        reviewed: 2026-10-01
        ---
        """,
    "milestones/kickoff-held.md": """
        ---
        kind: milestone
        title: Kickoff held
        owner: onboarding
        stage: onboarding
        order: 1
        reviewed: 2026-10-01
        ---
        """,
    "milestones/first-value.md": """
        ---
        kind: milestone
        title: First value
        owner: customer-success
        stage: adoption
        order: 1
        reviewed: 2026-10-01
        ---
        """,
    "handoffs/sales-to-onboarding.md": """
        ---
        kind: handoff
        title: Sales to Onboarding
        owner: sales
        from: sales
        to: onboarding
        from_stage: purchase
        to_stage: onboarding
        artifacts: [Order form, Success criteria]
        reviewed: 2026-10-01
        ---
        """,
    "handoffs/onboarding-to-cs.md": """
        ---
        kind: handoff
        title: Onboarding to Customer Success
        owner: onboarding
        from: onboarding
        to: customer-success
        from_stage: onboarding
        to_stage: adoption
        artifacts: [Go-live report]
        reviewed: 2026-10-01
        ---
        """,
    "playbooks/closed-won-welcome.md": """
        ---
        kind: playbook
        title: Closed-won welcome
        owner: sales
        type: lifecycle
        stages: [purchase]
        trigger: {milestone: contract-signed}
        steps:
          - do: Send the welcome email
        reviewed: 2026-10-01
        ---
        """,
    "playbooks/onboarding-plan.md": """
        ---
        kind: playbook
        title: Onboarding plan
        summary: From kickoff to go-live.
        owner: onboarding
        raci:
          responsible: [customer-success]
          consulted: [support]
          informed: [sales]
        type: lifecycle
        stages: [onboarding]
        trigger: {milestone: contract-signed}
        steps:
          - do: Hold the kickoff meeting on site
            when: day 1
            channel: meeting
            segments: [enterprise]
          - do: Send the setup wizard link
            channel: email
            segments: [scale]
          - do: Confirm go-live with the customer
            owner: customer-success
            channel: call
        milestones: [kickoff-held, go-live]
        reviewed: 2026-10-01
        ---

        AUTHORED-PLAYBOOK-BODY: how we take a customer live.
        """,
    "playbooks/health-check.md": """
        ---
        kind: playbook
        title: Health check
        owner: customer-success
        segments: [enterprise]
        type: lifecycle
        stages: [adoption]
        trigger: {schedule: every 90 days}
        reviewed: 2026-10-01
        ---
        """,
    "playbooks/tech-touch-nudges.md": """
        ---
        kind: playbook
        title: Tech-touch nudges
        owner: customer-success
        segments: [scale]
        type: lifecycle
        stages: [adoption]
        trigger: {schedule: every 30 days}
        reviewed: 2026-10-01
        ---
        """,
    "playbooks/low-usage.md": """
        ---
        kind: playbook
        title: Low usage
        owner: customer-success
        type: risk
        stages: [adoption]
        trigger: {signal: Weekly active users below 20%}
        reviewed: 2025-01-10
        ---

        Overdue for review: reviewed 2025-01-10, due 2025-07-10.
        """,
    "playbooks/upsell.md": """
        ---
        kind: playbook
        title: Upsell
        owner: customer-success
        status: draft
        type: expansion
        stages: [adoption]
        trigger: {manual: The account team decides}
        ---

        AUTHORED-DRAFT-BODY.
        """,
    "playbooks/legacy-welcome.md": """
        ---
        kind: playbook
        title: Legacy welcome pack
        owner: sales
        status: retired
        type: lifecycle
        stages: [purchase]
        trigger: {manual: Nobody runs this any more}
        ---

        AUTHORED-RETIRED-BODY.
        """,
    "metrics/time-to-value.md": """
        ---
        kind: metric
        title: "Time to value: <45 days> | 1.5x"
        owner: customer-success
        definition: Days from signature to the first agreed outcome.
        target: 45 days
        direction: down
        reviewed: 2026-10-01
        ---
        """,
}

# Stage ids and titles in journey order.
STAGES = [("purchase", "Purchase"), ("onboarding", "Onboarding & implementation"), ("adoption", "Adoption")]


def write_handbook(root: Path, files: dict[str, str] | None = None, *, directory_urls: bool = True,
                   options: str = "", extra: str = "") -> Path:
    """Write a handbook project (mkdocs.yml and docs/) in ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config(directory_urls, options, extra), encoding="utf-8")
    write_tree(root / "docs", SMALL_HANDBOOK if files is None else files)
    return root


# ---- material's navigation, as the reader sees it in the sidebar ---------------------------------

@dataclass
class NavEntry:
    title: str
    href: str | None  # None for a section
    children: list[NavEntry] = field(default_factory=list)

    def outline(self) -> str | tuple:
        """The title of a page, or (title, [children's outlines]) for a section."""
        return (self.title, [c.outline() for c in self.children]) if self.href is None else self.title


def _direct(node: Node, tag: str) -> list[Node]:
    return [c for c in node.children if isinstance(c, Node) and c.tag == tag]


def _nav_entries(ul: Node) -> list[NavEntry]:
    entries = []
    for li in _direct(ul, "li"):
        heads = [c for c in li.children if isinstance(c, Node) and c.has_class("md-nav__link")]
        # The current page has a label for its table of contents and then its link: the link names it.
        head = next((c for c in heads if c.tag == "a"), heads[0] if heads else None)
        if head is None:
            continue
        title_node = head.find("span", "md-ellipsis")
        title = (title_node or head).text()
        children: list[NavEntry] = []
        for sub in _direct(li, "nav"):
            if sub.has_class("md-nav--secondary"):  # the page's table of contents
                continue
            for inner in _direct(sub, "ul"):
                children += _nav_entries(inner)
        href = head.attrs.get("href") if head.tag == "a" and not children else None
        entries.append(NavEntry(title, href, children))
    return entries


def nav_tree(document: Node) -> list[NavEntry]:
    """The primary navigation of a built page (material's sidebar), as nested entries."""
    primary = document.find("nav", "md-nav--primary")
    assert primary is not None, "no primary navigation"
    top = next(iter(_direct(primary, "ul")), None)
    assert top is not None
    return _nav_entries(top)


def nav_outline(document: Node) -> list:
    return [entry.outline() for entry in nav_tree(document)]


# ---- the browser: the system's Chromium through Playwright, never a downloaded one -------------

CHROMIUM = Path("/usr/bin/chromium")
CONTENT = ROOT / "content"


def require_chromium() -> None:
    """Skip without Chromium, but fail in CI: there the browser tests must run."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Chromium (sudo apt-get install chromium) to run the browser tests"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def shipped(kind_folder: str) -> dict[str, dict]:
    """The front matter of the shipped handbook's pages of one kind, by id."""
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8").split("---", 2)[1])
            for p in sorted((CONTENT / kind_folder).glob("*.md"))}


@contextlib.contextmanager
def shipped_site(base: Path) -> Iterator[str]:
    """The shipped handbook built with the real dot into ``base``/site and served on 127.0.0.1."""
    require_chromium()
    done = subprocess.run([MKDOCS, "build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(base / "site")],
                          cwd=ROOT, capture_output=True, text=True, env=build_env(), timeout=600)
    assert done.returncode == 0, f"the shipped handbook does not build:\n{done.stdout}\n{done.stderr}"
    assert "could not be drawn" not in done.stderr and "was not found" not in done.stderr, done.stderr
    with serve(base / "site") as url:
        yield url


@contextlib.contextmanager
def offline_tab(browser, scheme: str = "light") -> Iterator:
    """A page in a fresh browser context (preferred colour scheme ``scheme``); console errors and uncaught
    exceptions are collected in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    # The tests run offline: material's web fonts (fonts.googleapis.com) answer empty, and the system font is used.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
                  lambda route: route.fulfill(status=200, body="", content_type="text/css"))
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: the machines running the tests are shared and slow
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text} ({page.url})")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc} ({page.url})"))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


def open_page(page, site_url: str, path: str) -> None:
    response = page.goto(site_url + path, wait_until="load")
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"


def heading(page) -> str:
    return page.locator("article h1").first.inner_text().replace("¶", "").strip()
