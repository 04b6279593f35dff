"""The journeysite benchmark: check and build times against their floors, measured side by side in one run.

``python bench/run.py`` generates handbooks with bench/gen.py (under bench/out/), then measures
(a) ``journeysite check`` against a floor (reading the files and parsing their front matter with libyaml),
(b) ``mkdocs build`` with journeysite against a plain mkdocs-material build of the same Markdown,
(c) a rebuild with nothing changed, counting ``dot`` runs, (d) peak memory, (e) the share of build time
spent in journeysite's own code (cProfile), and (f) the editor's loop: ``mkdocs serve`` with body and title
edits of one playbook, timed from saving the file until the page served over HTTP shows them, against plain
mkdocs-material served the same way. It prints the tables and writes bench/RESULTS.md. The machines are
noisy: compare the ratios, which are measured in the same run, rather than absolute times.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.metadata
import importlib.util
import json
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import gen  # noqa: E402  (bench/gen.py, next to this file)

FULL = {"sizes": [300, 1000, 3000], "check_sizes": [1000, 5000]}
QUICK = {"sizes": [100, 300], "check_sizes": [300, 1000]}
SERVE_SIZES = (300, 3000)  # mkdocs serve runs at those of the build sizes (else at the smallest)

# Targets from the performance issues (the last: #18, the editor's loop).
CHECK_MAX_SECONDS = 0.35  # at 1,000 entities
SCALING_MAX_RATIO = 1.3
COLD_MAX_SECONDS = 20.0  # a full cold build at 3,000 entities
PLAIN_MIN_SPEEDUP = 8.0  # at 3,000 entities
OWN_CODE_MAX_SHARE = 0.20
NO_CHANGE_MAX_SHARE = 0.25  # a rebuild (or serve reload) with nothing changed, of a cold build, at 3,000
TARGET_SIZE = 3000  # the size COLD_MAX_SECONDS, PLAIN_MIN_SPEEDUP and NO_CHANGE_MAX_SHARE are set at: no verdict at others
BODY_EDIT_MAX_SECONDS = (1.0, 3.0)  # served page updated, at 300 and at 3,000 entities
TITLE_EDIT_MAX_BUILD_RATIO = 1.5  # of a full build; and never slower than one

FLOOR_SCRIPT = r"""
import os, re, sys
import yaml
FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
parsed = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(root, name), encoding="utf-8-sig") as handle:
                match = FRONT.match(handle.read())
            if match:
                yaml.load(match.group(1), Loader=yaml.CSafeLoader)
                parsed += 1
print(parsed)
"""

PROFILE_SCRIPT = r"""
import cProfile, json, logging, os, sys
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
sizes = []  # per page: the Markdown MkDocs renders (after every plugin) and the HTML it gives
original_render = Page.render
def render(self, config, files):
    original_render(self, config, files)
    sizes.append([self.file.src_uri, len(self.markdown or ""), len(self.content or "")])
Page.render = render
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
profile = cProfile.Profile()
try:
    profile.enable()
    build(config)
    profile.disable()
finally:
    config.plugins.on_shutdown()
profile.dump_stats(sys.argv[3])
with open(sys.argv[3] + ".sizes.json", "w") as handle:
    json.dump(sizes, handle)
"""


@dataclass
class Run:
    """One subprocess: wall time, CPU time and peak memory (of it and the children it waited for)."""

    seconds: float
    cpu: float
    max_rss_kib: int
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass
class Build:
    variant: str  # plain | pruned | cold | warm
    size: int
    seconds: float = 0.0
    cpu: float = 0.0
    max_rss_kib: int = 0
    pages: int = 0
    html_bytes: int = 0
    dot_runs: int | None = None
    warnings: int = 0
    nav_items: dict[str, int] = field(default_factory=dict)
    page_bytes: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    runs: list[float] = field(default_factory=list)  # every round's seconds (this is the median round)

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else float("nan")

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu / self.pages if self.pages else float("nan")


@dataclass
class Check:
    size: int
    check_runs: list[float] = field(default_factory=list)
    floor_runs: list[float] = field(default_factory=list)
    max_rss_kib: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def check(self) -> float:
        return statistics.median(self.check_runs) if self.check_runs else float("nan")

    @property
    def floor(self) -> float:
        return statistics.median(self.floor_runs) if self.floor_runs else float("nan")


@dataclass
class Profile:
    size: int
    total: float = 0.0  # the cumulative time of mkdocs' build(): the whole profiled build
    tottime_sum: float = 0.0
    own: float = 0.0
    by_group: dict[str, float] = field(default_factory=dict)
    top: dict[str, list[tuple[str, float, float, int]]] = field(default_factory=dict)
    pages: list[tuple[str, int, int, int]] = field(default_factory=list)  # src, source, Markdown, HTML chars
    error: str | None = None

    @property
    def share(self) -> float:
        return self.own / self.total if self.total else float("nan")


@dataclass
class Edit:
    """One change to a served handbook and how long the editor waited for it."""

    kind: str  # body | title | touch (the file saved unchanged)
    seconds: float = float("nan")  # from saving the file until the served page has the new text (touch: reloaded)
    rebuild: float | None = None  # mkdocs' own "Documentation built in" for the rebuild(s) it caused
    rebuilds: int = 0  # rebuilds the serve log shows for this one save
    neighbour_fresh: bool | None = None  # title edits: a stage page that lists the playbook shows the new title


@dataclass
class Serve:
    """One ``mkdocs serve --livereload`` session: its first (full) build, then edits of one playbook."""

    variant: str  # journeysite | CLEAN_SERVE | plain
    size: int
    page: str = ""  # the edited playbook's URL path
    startup: float = float("nan")  # from starting the process until it served the page
    first_build: float | None = None  # mkdocs' "Documentation built in" for the first build
    edits: list[Edit] = field(default_factory=list)
    error: str | None = None

    def times(self, kind: str) -> list[float]:
        return [e.seconds for e in self.edits if e.kind == kind]

    def median(self, kind: str) -> float:
        times = self.times(kind)
        return statistics.median(times) if times else float("nan")

    def rebuilds(self, kind: str) -> list[float]:
        return [e.rebuild for e in self.edits if e.kind == kind and e.rebuild is not None]


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run ``command``, timing it; os.wait4 gives this child's own rusage (CPU and max RSS)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, process.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# ----- (f) mkdocs serve ---------------------------------------------------------------------------------------
# journeysite: what `make serve` runs, --dirty (journeysite says which pages MkDocs writes); for reference, the
# same without --dirty (MkDocs empties the site folder and writes every page on each rebuild).
CLEAN_SERVE = "journeysite, no --dirty"
SERVE_OPTIONS = {"journeysite": ("--dirty",)}
BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")
DETECTED = "Detected file changes"  # mkdocs.livereload logs it once per rebuild it starts
EPOCH = re.compile(rb"livereload\((\d+),\s*(\d+)\)")  # the script mkdocs serve injects: the site version shown
POLL_SECONDS = 0.02
SETTLE_SECONDS = 1.0  # longer than the watcher's 0.5 s poll + 0.1 s debounce: a second rebuild would have begun


def free_port() -> int:
    """A port nobody listens on (the kernel picks it); mkdocs serve binds it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A ``mkdocs serve`` subprocess on a free port of 127.0.0.1, in its own process group; ``close`` always stops it.

    Its output goes to a log file (a pipe nobody reads would block it), and TMPDIR points at a folder of ours, so
    the temporary site it builds is removed even if it has to be killed.
    """

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log_path: Path, tmp: Path):
        self.log_path = log_path
        self.tmp = tmp
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("wb")
        self.process = subprocess.Popen([*command, "-a", f"127.0.0.1:{self.port}"], cwd=cwd,
                                        env=dict(env, TMPDIR=str(tmp)), stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """SIGINT first (serve's KeyboardInterrupt path removes its site), SIGKILL if it does not stop in time."""
        if self.process.poll() is None:
            for sig, grace in ((signal.SIGINT, 60), (signal.SIGKILL, None)):
                try:
                    os.killpg(self.process.pid, sig)  # the group we started: serve and any dot it runs
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, timeout: float) -> bytes:
        # mkdocs serve holds a page request while it rebuilds, so an answer is always a whole site's version
        with urllib.request.urlopen(self.url + path, timeout=max(timeout, 0.1)) as response:
            return bytes(response.read())

    def wait_for(self, path: str, wanted: Callable[[bytes], bool], deadline: float) -> bytes:
        """Poll ``path`` until its body satisfies ``wanted``; raise if serve dies or the deadline passes."""
        last = "no answer yet"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited with {self.process.returncode}: {tail(self.text())}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{path} did not change in time ({last}); serve log: {tail(self.text(), 5)}")
            try:
                body = self.get(path, left)
                if wanted(body):
                    return body
                last = "served, not changed yet"
            except (OSError, http.client.HTTPException) as exc:  # not listening yet (its first build), 404, ...
                last = str(exc)
            time.sleep(POLL_SECONDS)

    def wait_for_reload(self, epoch: int, deadline: float) -> int:
        """Long-poll serve's livereload endpoint, as a browser does, until it announces a site newer than ``epoch``."""
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited with {self.process.returncode}: {tail(self.text())}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no reload after the file was touched; serve log: {tail(self.text(), 5)}")
            try:
                shown = int(self.get(f"/livereload/{epoch}/{time.time_ns()}", min(left, 70)).strip())
                if shown > epoch:
                    return shown
            except (OSError, ValueError, http.client.HTTPException):
                time.sleep(POLL_SECONDS)


def edited(original: str, title_token: str, body_token: str) -> str:
    """The playbook as the benchmark saves it: its title and body each carry the latest token (or the original)."""
    text = original
    if title_token:
        match = re.search(r"^title:(.*)$", text, re.MULTILINE)  # the first one is the front matter's
        if not match:
            raise ValueError("the playbook has no title: line")
        title = f"{yaml.safe_load(match.group(1))} {title_token}"
        text = text[:match.start()] + f"title: {json.dumps(title)}" + text[match.end():]  # JSON is valid YAML
    if body_token:
        text = text.rstrip("\n") + f"\n\nEdited by the benchmark: {body_token}.\n"
    return text


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.out: Path = args.out.resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.python = sys.executable
        bindir = Path(sys.executable).parent
        self.journeysite = [str(bindir / "journeysite")] if (bindir / "journeysite").exists() else \
            [self.python, "-m", "journeysite"]
        self.mkdocs = [str(bindir / "mkdocs")] if (bindir / "mkdocs").exists() else [self.python, "-m", "mkdocs"]
        self.floor_script = self.out / "floor.py"
        self.floor_script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        self.counter = self.out / "dot-runs.txt"
        self.real_dot = shutil.which("dot")
        self.env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        # Measured as people run them: with compiled modules. (With PYTHONDONTWRITEBYTECODE set, every
        # process would compile each module it imports whose cache is missing or stale, every run.)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        for folder in (str(BENCH.parent / "journeysite"), sysconfig.get_paths()["purelib"]):
            subprocess.run([self.python, "-m", "compileall", "-q", "-j", "0", folder], env=self.env,
                           capture_output=True, check=False)
        if self.real_dot:
            wrap = self.out / "dot-wrapper"
            wrap.mkdir(exist_ok=True)
            script = wrap / "dot"
            text = f"#!/bin/sh\necho run >> '{self.counter}'\nexec '{self.real_dot}' \"$@\"\n"
            if not script.exists() or script.read_text() != text:  # unchanged: its cached `dot -V` stays valid
                script.write_text(text)
                script.chmod(0o755)
            self.env["PATH"] = f"{wrap}{os.pathsep}{self.env.get('PATH', '')}"
        self.projects: dict[int, Path] = {}
        self.checks: list[Check] = []
        self.builds: list[Build] = []
        self.profile: Profile | None = None
        self.serves: list[Serve] = []
        self.generation: dict[int, float] = {}
        self.failures: list[str] = []
        self.load: list[str] = []

    # ----- projects -----------------------------------------------------------------------------------
    def project(self, size: int) -> Path:
        if size not in self.projects:
            path = self.out / f"n{size}"
            start = time.perf_counter()
            gen.generate(size, path)
            self.generation[size] = time.perf_counter() - start
            shutil.rmtree(path / ".cache", ignore_errors=True)
            self.projects[size] = path
            log(f"generated {size} entities in {self.generation[size]:.1f} s: {path}")
        return self.projects[size]

    def dot_runs(self) -> int:
        try:
            return len(self.counter.read_text().splitlines())
        except FileNotFoundError:
            return 0

    # ----- (a) check ------------------------------------------------------------------------------------
    def measure_check(self, size: int) -> Check:
        project = self.project(size)
        result = Check(size)
        first = run([*self.journeysite, "check", "--strict", "--format", "json", "-f", "mkdocs.yml"],
                    project, self.env)
        try:
            result.counts = json.loads(first.stdout)["counts"]
        except (ValueError, KeyError):
            result.error = f"check --format json failed (exit {first.returncode}): {tail(first.stderr or first.stdout)}"
            self.failures.append(f"check at {size}: {result.error}")
            return result
        if not first.ok:
            self.failures.append(f"check --strict at {size} exited {first.returncode}: {result.counts}")
        for _ in range(self.args.repeat):  # interleaved, so both see the same noise
            timed = run([*self.journeysite, "check", "-f", "mkdocs.yml"], project, self.env)
            result.check_runs.append(timed.seconds)
            result.max_rss_kib = max(result.max_rss_kib, timed.max_rss_kib)
            floor = run([self.python, str(self.floor_script), "docs"], project, self.env)
            if not floor.ok:
                result.error = f"floor script failed: {tail(floor.stderr)}"
                self.failures.append(f"floor at {size}: {result.error}")
                break
            result.floor_runs.append(floor.seconds)
        log(f"check {size}: {result.check:.3f} s, floor {result.floor:.3f} s, counts {result.counts}")
        return result

    # ----- (b, c, d) builds -------------------------------------------------------------------------------
    def measure_build(self, size: int, variant: str) -> Build:
        project = self.project(size)
        config = {"plain": "mkdocs-plain.yml", "pruned": "mkdocs-plain-pruned.yml"}.get(variant, "mkdocs.yml")
        if variant == "cold":
            shutil.rmtree(project / ".cache", ignore_errors=True)
        site = self.out / f"site-{variant}-{size}"
        shutil.rmtree(site, ignore_errors=True)
        before = self.dot_runs()
        timed = run([*self.mkdocs, "build", "-f", config, "-d", str(site)], project, self.env)
        result = Build(variant, size, timed.seconds, timed.cpu, timed.max_rss_kib)
        (self.out / "logs").mkdir(exist_ok=True)
        (self.out / "logs" / f"build-{variant}-{size}.log").write_text(timed.stderr, encoding="utf-8")
        if variant in ("cold", "warm") and self.real_dot:
            result.dot_runs = self.dot_runs() - before
        result.warnings = sum(1 for line in timed.stderr.splitlines() if line.startswith("WARNING"))
        if not timed.ok:
            result.error = f"exit {timed.returncode}: {tail(timed.stderr)}"
            self.failures.append(f"{variant} build at {size}: {result.error}")
        else:
            self.measure_html(result, site, project)
        shutil.rmtree(site, ignore_errors=True)  # a plain site of 3,000 pages is over 3 GB
        log(f"build {variant} {size}: {result.seconds:.1f} s, {result.pages} pages, {result.ms_per_page:.1f} ms/page, "
            f"dot runs {result.dot_runs}, max RSS {result.max_rss_kib // 1024} MiB")
        return result

    @staticmethod
    def sample_pages(project: Path) -> dict[str, str]:
        """A few pages of each sort, by label → path in the site: the same sources for both builds."""
        docs = project / "docs"

        def nth(folder: str, fraction: float) -> str | None:
            names = sorted(p.stem for p in (docs / folder).glob("*.md"))
            return f"{folder}/{names[int(fraction * (len(names) - 1))]}/index.html" if names else None

        sample = {"home": "index.html", "mission": "mission/index.html", "stage": nth("stages", 0),
                  "milestone": nth("milestones", 0.5), "playbook (first)": nth("playbooks", 0),
                  "playbook (middle)": nth("playbooks", 0.5), "handoff": nth("handoffs", 0),
                  "team": nth("teams", 0), "journey overview": "journey/index.html"}
        return {label: path for label, path in sample.items() if path}

    def measure_html(self, result: Build, site: Path, project: Path) -> None:
        for root, _, files in os.walk(site):
            for name in files:
                if name == "index.html":
                    result.pages += 1
                    result.html_bytes += os.stat(os.path.join(root, name)).st_size
        for label, path in self.sample_pages(project).items():
            page = site / path
            if page.is_file():
                html = page.read_text(encoding="utf-8")
                result.nav_items[label] = html.count("md-nav__item")
                result.page_bytes[label] = len(html.encode("utf-8"))

    # ----- (e) profile ------------------------------------------------------------------------------------
    def measure_profile(self, size: int) -> Profile:
        project = self.project(size)
        result = Profile(size)
        stats_path = self.out / f"build-{size}.pstats"
        site = self.out / f"site-profile-{size}"
        timed = run([self.python, "-c", PROFILE_SCRIPT, str(project / "mkdocs.yml"), str(site), str(stats_path)],
                    project, self.env)
        shutil.rmtree(site, ignore_errors=True)
        if not timed.ok:
            result.error = f"exit {timed.returncode}: {tail(timed.stderr)}"
            self.failures.append(f"profile at {size}: {result.error}")
            return result
        analyse_profile(result, stats_path, self.args.top)
        docs = project / "docs"
        for src, markdown, html in json.loads(Path(f"{stats_path}.sizes.json").read_text()):
            source = docs / src
            result.pages.append((src, len(source.read_text(encoding="utf-8")) if source.is_file() else 0,
                                 markdown, html))
        log(f"profile {size}: {result.total:.1f} s profiled, journeysite's own code {result.share:.1%}")
        return result

    # ----- (f) the editor's loop: mkdocs serve ------------------------------------------------------------------
    @staticmethod
    def edit_target(project: Path) -> tuple[Path, str | None]:
        """The playbook the serve benchmark edits (the middle one, as in sample_pages) and the first stage it lists."""
        names = sorted((project / "docs" / "playbooks").glob("*.md"))
        playbook = names[(len(names) - 1) // 2]
        match = re.search(r"^stages: \[([^,\]]+)", playbook.read_text(encoding="utf-8"), re.MULTILINE)
        return playbook, match.group(1).strip() if match else None

    def measure_serve(self, size: int, variant: str) -> Serve:
        """Start ``mkdocs serve``; save body and title edits of one playbook in turn, then save it unchanged."""
        project = self.project(size)
        playbook, stage = self.edit_target(project)
        result = Serve(variant, size, page=f"/playbooks/{playbook.stem}/")
        original = playbook.read_text(encoding="utf-8")
        (self.out / "logs").mkdir(exist_ok=True)
        command = [*self.mkdocs, "serve", "--livereload", *SERVE_OPTIONS.get(variant, ()),
                   "-f", "mkdocs-plain.yml" if variant == "plain" else "mkdocs.yml"]
        timeout = self.args.serve_timeout
        name = variant.replace(" ", "-").replace(",", "")
        try:
            with Server(command, project, self.env, self.out / "logs" / f"serve-{name}-{size}.log",
                        self.out / f"serve-tmp-{name}-{size}") as server:
                start = time.perf_counter()
                server.wait_for(result.page, lambda body: True, start + timeout)
                result.startup = time.perf_counter() - start
                result.first_build = next((float(m) for m in BUILT.findall(server.text())), None)
                tokens = {"title": "", "body": ""}
                for round_ in range(self.args.edits):
                    for kind in ("body", "title"):
                        tokens[kind] = f"benchedit{kind}{round_ + 1}n{size}"
                        result.edits.append(self.save(server, playbook, edited(original, tokens["title"], tokens["body"]),
                                                      kind, tokens[kind], result.page, stage, timeout))
                result.edits.append(self.save(server, playbook, None, "touch", "", result.page, None, timeout))
        except (RuntimeError, TimeoutError, OSError, ValueError) as exc:
            result.error = str(exc)
            self.failures.append(f"serve {variant} at {size}: {result.error}")
        finally:
            if playbook.read_text(encoding="utf-8") != original:  # after serve stopped: no rebuild for it
                playbook.write_text(original, encoding="utf-8")
        log(f"serve {variant} {size}: first build {result.startup:.1f} s; body {result.median('body'):.2f} s, "
            f"title {result.median('title'):.2f} s, unchanged save {result.median('touch'):.2f} s (medians)"
            + (f"; FAILED: {result.error}" if result.error else ""))
        return result

    @staticmethod
    def save(server: Server, playbook: Path, text: str | None, kind: str, token: str, page: str, stage: str | None,
             timeout: float) -> Edit:
        """Save ``text`` (None: the same bytes, a touch) and time it until the served page shows ``token``."""
        result = Edit(kind)
        offset = len(server.text())
        if text is None:
            epoch = EPOCH.search(server.get(page, timeout))
            if not epoch:
                raise RuntimeError("the served page has no livereload script")
            start = time.perf_counter()
            os.utime(playbook)
            server.wait_for_reload(int(epoch.group(1)), start + timeout)
        else:
            staged = playbook.parents[2] / f".bench-save-{os.getpid()}.tmp"  # (outside docs: unwatched)
            staged.write_text(text, encoding="utf-8")
            start = time.perf_counter()
            # One rename, one event to the watcher: a truncate-then-write save is several, and under load one
            # can reach serve after its rebuild started, which then counts as a second rebuild.
            os.replace(staged, playbook)
            server.wait_for(page, lambda body: token.encode() in body, start + timeout)
        result.seconds = time.perf_counter() - start
        if kind == "title" and stage:  # a page that lists the playbook: stale if it kept the old title
            result.neighbour_fresh = token.encode() in server.get(f"/stages/{stage}/", timeout)
        time.sleep(SETTLE_SECONDS)
        server.get(page, timeout)  # held while a rebuild this save caused late is still running
        since = server.text()[offset:]
        result.rebuilds = since.count(DETECTED)
        builds = [float(m) for m in BUILT.findall(since)]
        result.rebuild = sum(builds) if builds else None
        return result

    # ----- the whole run ------------------------------------------------------------------------------------
    def run_all(self) -> None:
        self.load.append(loadavg())
        for size in self.args.check_sizes:
            self.checks.append(self.measure_check(size))
        for size in self.args.sizes:
            variants = ["plain", "pruned"] if not self.args.skip_plain else []
            variants = [v for v in variants if v != "pruned" or not self.args.skip_pruned] + ["cold", "warm"]
            rounds = self.args.rounds if size <= self.args.rounds_max_size else 1
            measured: dict[str, list[Build]] = {v: [] for v in variants}
            for _ in range(rounds):  # interleaved, so every variant sees the same noise
                for variant in variants:
                    measured[variant].append(self.measure_build(size, variant))
            for runs in measured.values():
                good = sorted((b for b in runs if not b.error), key=lambda b: b.seconds) or runs
                median = good[len(good) // 2]
                median.runs = [b.seconds for b in runs]
                self.builds.append(median)
            if size in self.args.serve_sizes:
                self.serve(size)
        for size in self.args.serve_sizes:
            if size not in self.args.sizes:
                self.serve(size)
        if not self.args.no_profile:
            self.profile = self.measure_profile(self.args.profile_size or max(self.args.sizes))
        self.load.append(loadavg())

    def serve(self, size: int) -> None:
        self.serves.append(self.measure_serve(size, "journeysite"))
        self.serves.append(self.measure_serve(size, CLEAN_SERVE))
        if not self.args.skip_plain and size <= self.args.serve_plain_max:
            self.serves.append(self.measure_serve(size, "plain"))

    def serve_of(self, variant: str, size: int) -> Serve | None:
        return next((s for s in self.serves if s.variant == variant and s.size == size and not s.error), None)

    def build_of(self, variant: str, size: int) -> Build | None:
        return next((b for b in self.builds if b.variant == variant and b.size == size and not b.error), None)


def analyse_profile(result: Profile, stats_path: Path, top: int) -> None:
    """Sum tottime by where the code lives; journeysite's own code is every file inside its package."""
    spec = importlib.util.find_spec("journeysite")
    package = str(Path(spec.origin).resolve().parent) + os.sep if spec and spec.origin else "/nonexistent/"
    stats = pstats.Stats(str(stats_path)).stats  # type: ignore[attr-defined]
    rows: dict[str, list[tuple[str, float, float, int]]] = {"journeysite": [], "other": []}
    for (filename, line, function), (_, calls, tottime, cumtime, _) in stats.items():
        group = group_of(filename, package)
        result.tottime_sum += tottime
        result.total = max(result.total, cumtime)
        result.by_group[group] = result.by_group.get(group, 0.0) + tottime
        if group == "journeysite":
            result.own += tottime
        rows["journeysite" if group == "journeysite" else "other"].append(
            (f"{short(filename, package)}:{line}:{function}", tottime, cumtime, calls))
    for name, entries in rows.items():
        result.top[f"{name} by tottime"] = sorted(entries, key=lambda e: -e[1])[:top]
        result.top[f"{name} by cumulative"] = sorted(entries, key=lambda e: -e[2])[:top]


GROUPS = (("jinja2 templates", re.compile(r"\.html$|/templates/")), ("mkdocs-material", re.compile(r"/material/")),
          ("mkdocs", re.compile(r"/mkdocs/")), ("markdown", re.compile(r"/markdown/")),
          ("pymdownx", re.compile(r"/pymdownx/")), ("jinja2", re.compile(r"/jinja2/")),
          ("yaml", re.compile(r"/yaml/")), ("markupsafe", re.compile(r"/markupsafe/")))


def group_of(filename: str, package: str) -> str:
    if filename.startswith(package):
        return "journeysite"
    if filename == "~" or filename.startswith("<"):
        return "builtins (C)"
    for name, pattern in GROUPS:
        if pattern.search(filename):
            return name
    return "python stdlib / other"


def short(filename: str, package: str) -> str:
    if filename.startswith(package):
        return "journeysite/" + filename[len(package):]
    marker = "site-packages/"
    if marker in filename:
        return filename.split(marker, 1)[1]
    if "/lib/python" in filename:
        return "stdlib/" + filename.split("/lib/python", 1)[1].split("/", 1)[-1]
    return filename


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


# ----- reporting --------------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    dot = shutil.which("dot")
    graphviz = "not installed"
    if dot:
        out = subprocess.run([dot, "-V"], capture_output=True, text=True)
        graphviz = (out.stderr or out.stdout).strip()
    return {"CPU": cpu, "cores": str(os.cpu_count()), "Python": platform.python_version(),
            "mkdocs": version("mkdocs"), "mkdocs-material": version("mkdocs-material"),
            "PyYAML": version("PyYAML"), "Graphviz": graphviz, "bytecode": bytecode(),
            "date": datetime.now().strftime("%Y-%m-%d %H:%M")}


def bytecode() -> str:
    """Whether the builds import compiled modules or compile them as they go (where Python may not write
    .pyc files, as under PYTHONDONTWRITEBYTECODE, that is most of a second of every build)."""
    import mkdocs

    compiled = importlib.util.cache_from_source(mkdocs.__file__)
    kept = "compiled (.pyc present)" if Path(compiled).exists() else "not compiled"
    writes = "Python may not write .pyc" if sys.dont_write_bytecode else "Python writes .pyc"
    return f"{kept}; {writes}"


def table(headers: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return "n/a" if value != value else f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
        return "" if value is None else str(value)

    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows) and bool(rows)
               for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "met" if ok else "**NOT met**"


def targets(bench: Bench) -> list[list[object]]:
    rows: list[list[object]] = []
    checks = [c for c in bench.checks if not c.error and c.check_runs]
    check = next((c for c in checks if c.size == 1000), checks[0] if checks else None)
    if check:
        rows.append([f"check on {check.size:,} entities ≤ {CHECK_MAX_SECONDS:g} s",
                     f"{check.check:.3f} s ({check.check / check.floor:.1f}× the floor, {check.floor:.3f} s)",
                     verdict(check.check <= CHECK_MAX_SECONDS)])
    else:
        rows.append([f"check on 1,000 entities ≤ {CHECK_MAX_SECONDS:g} s", "", verdict(None)])

    warm = sorted((b for b in bench.builds if b.variant == "warm" and not b.error), key=lambda b: b.size)
    if len(warm) >= 2:
        small = next((b for b in warm if b.size == 300), warm[0])
        large = next((b for b in warm if b.size == 3000), warm[-1])
        if large.size <= small.size:
            small, large = warm[0], warm[-1]
        ratio = large.ms_per_page / small.ms_per_page
        rows.append([f"journeysite build ms/page at {large.size:,} ≤ {SCALING_MAX_RATIO:g}× ms/page at {small.size:,} "
                     "(rebuilds, so the one-off dot runs do not flatter the small size)",
                     f"{large.ms_per_page:.1f} vs {small.ms_per_page:.1f} ms/page: {ratio:.2f}×",
                     verdict(ratio <= SCALING_MAX_RATIO)])
    else:
        rows.append(["journeysite build ms/page at 3,000 ≤ 1.3× ms/page at 300", "needs two sizes", verdict(None)])

    cold, plain = bench.build_of("cold", TARGET_SIZE), bench.build_of("plain", TARGET_SIZE)
    label = f"full cold build at {TARGET_SIZE:,} entities ≤ {COLD_MAX_SECONDS:g} s"
    if cold:
        rows.append([label, f"{cold.seconds:.1f} s", verdict(cold.seconds <= COLD_MAX_SECONDS)])
    else:
        rows.append([label, needs_target_size(bench, "cold build"), verdict(None)])

    label = (f"at {TARGET_SIZE:,} entities the journeysite build (cold, dot included) is ≥ {PLAIN_MIN_SPEEDUP:g}× "
             "faster than the plain build")
    if plain and cold:
        speedup = plain.seconds / cold.seconds
        rows.append([label, f"{cold.seconds:.1f} s vs {plain.seconds:.1f} s: {speedup:.2f}×",
                     verdict(speedup >= PLAIN_MIN_SPEEDUP)])
    else:
        rows.append([label, needs_target_size(bench, "plain build" if cold else "cold build"), verdict(None)])
    pruned = [(p, c) for s in bench.args.sizes if (p := bench.build_of("pruned", s)) and (c := bench.build_of("cold", s))]
    if pruned:
        small_pruned, small_cold = next(((p, c) for p, c in pruned if p.size == 300), pruned[0])
        rounds = f" (medians of {len(small_cold.runs)} interleaved rounds: {spread(small_cold.runs)} vs " \
            f"{spread(small_pruned.runs)})" if len(small_cold.runs) > 1 else ""
        rows.append([f"at {small_cold.size:,} entities the cold build is faster than plain with `navigation.prune` "
                     "turned on by hand", f"{small_cold.seconds:.2f} s vs {small_pruned.seconds:.2f} s: "
                     f"{small_pruned.seconds / small_cold.seconds:.2f}×{rounds}",
                     verdict(small_cold.seconds < small_pruned.seconds)])
        big_pruned = bench.build_of("pruned", TARGET_SIZE)
        if big_pruned and cold:
            rows.append([f"for reference, not a target: at {TARGET_SIZE:,} entities against the plain build with "
                         "`navigation.prune` turned on by hand", f"{cold.seconds:.1f} s vs {big_pruned.seconds:.1f} s: "
                         f"{big_pruned.seconds / cold.seconds:.2f}×", ""])
    else:
        rows.append(["at 300 entities the cold build is faster than plain with `navigation.prune`", "pruned skipped",
                     verdict(None)])

    warm_build = bench.build_of("warm", TARGET_SIZE)
    label = (f"`mkdocs build` again with nothing changed, at {TARGET_SIZE:,} entities, ≤ {NO_CHANGE_MAX_SHARE:.0%} "
             "of the cold build")
    if cold and warm_build:
        share = warm_build.seconds / cold.seconds
        rows.append([label, f"{warm_build.seconds:.1f} s of {cold.seconds:.1f} s: {share:.0%}",
                     verdict(share <= NO_CHANGE_MAX_SHARE)])
    else:
        rows.append([label, needs_target_size(bench, "rebuild" if cold else "cold build"), verdict(None)])
    rows += serve_targets(bench)

    profile = bench.profile
    if profile and not profile.error:
        rows.append([f"time in journeysite's own code ≤ {OWN_CODE_MAX_SHARE:.0%} of the build ({profile.size:,} entities, "
                     "cProfile tottime)", f"{profile.share:.1%} ({profile.own:.1f} of {profile.total:.1f} s)",
                     verdict(profile.share <= OWN_CODE_MAX_SHARE)])
    else:
        rows.append(["time in journeysite's own code ≤ 20% of the build", "", verdict(None)])

    rebuilds = [b for b in bench.builds if b.variant == "warm" and not b.error and b.dot_runs is not None]
    if rebuilds:
        runs = ", ".join(f"{b.dot_runs} at {b.size:,}" for b in rebuilds)
        rows.append(["a rebuild with nothing changed runs dot zero times", runs,
                     verdict(all(b.dot_runs == 0 for b in rebuilds))])
    else:
        rows.append(["a rebuild with nothing changed runs dot zero times", "dot not installed", verdict(None)])
    return rows


def needs_target_size(bench: Bench, what: str) -> str:
    """Why a target set at 3,000 entities has no verdict: the run skipped that size or that build."""
    if TARGET_SIZE not in bench.args.sizes:
        return f"needs {TARGET_SIZE:,} entities (run with --sizes ... {TARGET_SIZE})"
    return f"the {what} at {TARGET_SIZE:,} was skipped or failed"


def serve_targets(bench: Bench) -> list[list[object]]:
    """The editor's loop under `mkdocs serve`: medians of the edits of each session."""
    rows: list[list[object]] = []
    sessions = sorted((s for s in bench.serves if s.variant == "journeysite"), key=lambda s: s.size)
    if not sessions:
        return [["`mkdocs serve`: body edit ≤ 1 s at 300 entities, ≤ 3 s at 3,000; title edit ≤ 1.5× a full build",
                 "serve skipped", verdict(None)]]
    for serve in sessions:
        if serve.error or not serve.times("body"):
            rows.append([f"`mkdocs serve` at {serve.size:,} entities", f"FAILED: {serve.error}", verdict(False)])
            continue
        limit = BODY_EDIT_MAX_SECONDS[0] if serve.size <= 300 else BODY_EDIT_MAX_SECONDS[1]
        body = serve.median("body")
        rows.append([f"`mkdocs serve`, a body edit at {serve.size:,} entities: the served page has it in ≤ {limit:g} s",
                     f"{body:.2f} s (median; {spread(serve.times('body'))})", verdict(body <= limit)])
        cold = bench.build_of("cold", serve.size)
        full, what = (cold.seconds, "the cold `mkdocs build`") if cold else (serve.startup, "serve's first build")
        title = serve.median("title")
        rows.append([f"`mkdocs serve`, a title edit at {serve.size:,} entities ≤ {TITLE_EDIT_MAX_BUILD_RATIO:g}× a full "
                     "build", f"{title:.2f} s (median; {spread(serve.times('title'))}) vs {what} {full:.2f} s: "
                     f"{title / full:.2f}×", verdict(title <= TITLE_EDIT_MAX_BUILD_RATIO * full)])
        rebuilds = serve.rebuilds("title")
        if rebuilds and serve.first_build:
            rows.append([f"`mkdocs serve`, a title edit at {serve.size:,} entities is never slower than a full build "
                         "(the slowest rebuild against serve's first, full build, both as mkdocs logs them)",
                         f"{max(rebuilds):.2f} s vs {serve.first_build:.2f} s", verdict(max(rebuilds) <= serve.first_build)])
        fresh = [e.neighbour_fresh for e in serve.edits if e.neighbour_fresh is not None]
        if fresh:
            rows.append([f"`mkdocs serve` at {serve.size:,} entities: after each title edit, a stage page that lists the "
                         "playbook shows the new title", f"{sum(fresh)} of {len(fresh)}", verdict(all(fresh))])
    touched = [s for s in sessions if not s.error and s.times("touch")]
    serve = next((s for s in touched if s.size == TARGET_SIZE), None)
    label = (f"`mkdocs serve` at {TARGET_SIZE:,} entities, a file saved unchanged: reloaded in ≤ "
             f"{NO_CHANGE_MAX_SHARE:.0%} of a cold build")
    if serve:
        cold = bench.build_of("cold", serve.size)
        full, what = (cold.seconds, "the cold build") if cold else (serve.startup, "serve's first build")
        reload = serve.median("touch")
        rows.append([label, f"{reload:.2f} s vs {what} {full:.1f} s: {reload / full:.0%}",
                     verdict(reload <= NO_CHANGE_MAX_SHARE * full)])
    else:
        rows.append([label, needs_target_size(bench, "serve session"), verdict(None)])
    return rows


def spread(times: list[float]) -> str:
    return " ".join(f"{t:.2f}" for t in times)


def report(bench: Bench, info: dict[str, str]) -> str:
    out = ["# journeysite benchmark results", "",
           "Written by `python bench/run.py " + " ".join(sys.argv[1:]) + "`. The machine is noisy: compare the ratios, "
           "which were measured in this one run, not the absolute times.", "",
           table(["machine", ""], [[k, v] for k, v in info.items()] + [["load average (start, end)",
                                                                       " → ".join(bench.load)]]), ""]
    out += ["## Targets", "", table(["target", "measured", "verdict"], targets(bench)), ""]

    out += ["## (a) `journeysite check` against the floor", "",
            f"Median of {bench.args.repeat} runs, each a subprocess. The floor is a Python subprocess that reads the same "
            "files and parses their front matter with `yaml.CSafeLoader`; runs are interleaved.", ""]
    out += [table(["entities", "check (s)", "floor (s)", "check / floor", "check max RSS (MiB)", "diagnostics", "runs (s)"],
                  [[c.size, c.check, c.floor, c.check / c.floor if c.floor_runs else float("nan"),
                    c.max_rss_kib // 1024, c.error or ", ".join(f"{k} {v}" for k, v in c.counts.items()),
                    " ".join(f"{s:.2f}" for s in c.check_runs)] for c in bench.checks]), ""]

    out += ["## (b) `mkdocs build`: journeysite against plain mkdocs-material", "",
            "plain: the same Markdown with the journeysite plugin removed and no `nav:`, material's defaults (what a "
            "user gets without journeysite). pruned: plain with material's `navigation.prune` turned on by hand "
            "(journeysite turns it on for its handbooks). cold: journeysite with no "
            "diagram cache. warm: the rebuild with nothing changed. Pages are the `index.html` files written "
            "(journeysite adds its generated pages). CPU is user + system of the build and its children.", ""]
    rows = []
    for size in bench.args.sizes:
        plain = bench.build_of("plain", size)
        for b in (x for x in bench.builds if x.size == size):
            speed = plain.seconds / b.seconds if plain and b.variant != "plain" and not b.error else None
            rows.append([size, b.variant, b.error and "FAILED" or b.seconds, b.pages, b.ms_per_page, b.cpu_ms_per_page,
                         f"{speed:.2f}×" if speed else "", b.warnings])
    out += [table(["entities", "build", "wall (s)", "pages", "ms/page", "CPU ms/page", "faster than plain",
                   "warnings"], rows), ""]

    out += ["## (c) Rebuild with nothing changed: Graphviz runs", "",
            "Every `dot` start is counted by a wrapper first on PATH (`dot -V` included).", ""]
    out += [table(["entities", "cold build (s)", "cold dot runs", "rebuild (s)", "rebuild dot runs"],
                  [[s, c.seconds, c.dot_runs, w.seconds, w.dot_runs] for s in bench.args.sizes
                   if (c := bench.build_of("cold", s)) and (w := bench.build_of("warm", s))]), ""]

    out += ["## (d) Peak memory", "", "Max RSS of each build subprocess (os.wait4).", ""]
    out += [table(["entities", "plain (MiB)", "pruned (MiB)", "journeysite cold (MiB)", "journeysite rebuild (MiB)"],
                  [[s, *[(b.max_rss_kib // 1024 if (b := bench.build_of(v, s)) else None)
                         for v in ("plain", "pruned", "cold", "warm")]] for s in bench.args.sizes]), ""]

    out += ["## HTML per page and navigation rendered into each page", "",
            "`md-nav__item` counted in sample pages (the same source pages in both builds).", ""]
    labels = list(Bench.sample_pages(next(iter(bench.projects.values())))) if bench.projects else []
    rows = []
    for b in bench.builds:
        if b.error or b.variant == "warm":
            continue
        rows.append([b.size, b.variant, b.html_bytes / max(b.pages, 1) / 1024,
                     *[b.nav_items.get(label) for label in labels]])
    out += [table(["entities", "build", "HTML KiB/page (mean)", *[f"nav items: {label}" for label in labels]], rows), ""]

    if bench.profile:
        p = bench.profile
        out += [f"## (e) Where the build's time goes: cProfile of one in-process build of {p.size:,} entities", ""]
        if p.error:
            out += [f"FAILED: {p.error}", ""]
        else:
            out += ["`mkdocs.commands.build.build(load_config(...))` under cProfile, diagram cache warm; "
                    "tottime summed by where the code lives, as a share of `build()`'s cumulative time (cProfile slows "
                    "pure-Python code, so shares are approximate).", ""]
            out += [table(["code", "tottime (s)", "share"],
                          [[g, t, f"{t / p.total:.1%}"] for g, t in sorted(p.by_group.items(), key=lambda x: -x[1])]
                          + [["sum of tottime", p.tottime_sum, f"{p.tottime_sum / p.total:.1%}"],
                             ["build() cumulative (the denominator)", p.total, "100%"]]), ""]
            if p.pages:
                out += page_sizes(p)
            for name, entries in p.top.items():
                out += [f"### Top {len(entries)}: {name}", "",
                        table(["function", "tottime (s)", "cumulative (s)", "% of build (cum)", "calls"],
                              [[f"`{fn}`", tt, ct, f"{ct / p.total:.1%}", calls] for fn, tt, ct, calls in entries]), ""]

    out += serve_section(bench)

    out += ["## Handbooks generated", "", table(["entities", "generation (s)", "folder"],
                                                [[n, t, str(bench.projects[n])] for n, t in bench.generation.items()]), ""]
    if bench.failures:
        out += ["## Failures", ""] + [f"- {f}" for f in bench.failures] + [""]
    return "\n".join(out)


def serve_section(bench: Bench) -> list[str]:
    """(f): each `mkdocs serve` session, its edits timed from saving the file to the served page showing them."""
    if not bench.serves:
        return []
    out = ["## (f) `mkdocs serve`: the editor's loop", "",
           f"`mkdocs serve --livereload --dirty` (what `make serve` runs; `{CLEAN_SERVE}`: without `--dirty`) on a "
           f"free port of 127.0.0.1, then {bench.args.edits} "
           "body edits and title edits of one playbook, in turn (each keeps the other's latest change), and one save "
           "of it unchanged (its mtime touched). An edit's time runs from writing the file until the page fetched over "
           "HTTP from the serve process contains the new text (serve holds requests while it rebuilds, so the answer "
           "is a whole build); it includes mkdocs' file watcher, which polls every 0.5 s and waits 0.1 s for changes "
           "to stop. The unchanged save is timed until serve's livereload endpoint announces a new version, as a "
           "browser waits for it. Rebuild: the `Documentation built in` times serve logged for that save. plain: the "
           "same Markdown served without the plugin (`mkdocs-plain.yml`)"
           + (f", only up to {bench.args.serve_plain_max:,} entities" if not bench.args.skip_plain else "") + ". "
           "First build: from starting serve until it answered (the diagram cache is warm from the builds above); as logged: "
           "mkdocs' own time for it. Rebuilds per save: 1 each, unless a save caused more than one.", ""]
    rows = []
    for s in bench.serves:
        if s.error and not s.edits:
            rows.append([s.size, s.variant, s.startup, s.first_build, "FAILED", "", "", "", "", "", "", ""])
            continue
        fresh = [e.neighbour_fresh for e in s.edits if e.neighbour_fresh is not None]
        rows.append([s.size, s.variant, s.startup, s.first_build, s.median("body"), spread(s.times("body")), s.median("title"),
                     spread(s.times("title")), spread(s.rebuilds("title")), s.median("touch"),
                     " ".join(str(e.rebuilds) for e in s.edits), f"{sum(fresh)} of {len(fresh)}" if fresh else ""])
    out += [table(["entities", "serve", "first build (s)", "first build, as logged (s)", "body edit (s, median)", "body edits (s)",
                   "title edit (s, median)", "title edits (s)", "title edits' rebuilds (s)", "unchanged save (s)",
                   "rebuilds per save", "stage page shows the new title"], rows), ""]
    failed = [s for s in bench.serves if s.error]
    out += [f"FAILED: {s.variant} at {s.size:,}: {s.error}" for s in failed] + ([""] if failed else [])
    return out


def page_sizes(p: Profile) -> list[str]:
    """How much Markdown each page hands to Python-Markdown, and how much HTML comes out (no theme, no nav)."""
    def kind(src: str) -> str:
        folder = src.split("/", 1)[0] if "/" in src else "(top)"
        return "generated" if src.startswith("journey/") or src == "start-here.md" else folder

    groups: dict[str, list[tuple[str, int, int, int]]] = {}
    for entry in p.pages:
        groups.setdefault(kind(entry[0]), []).append(entry)
    rows = [[name, len(entries), sum(e[1] for e in entries) / len(entries) / 1024,
             sum(e[2] for e in entries) / len(entries) / 1024, sum(e[3] for e in entries) / len(entries) / 1024,
             max(e[3] for e in entries) / 1024] for name, entries in sorted(groups.items())]
    rows.append(["all", len(p.pages), sum(e[1] for e in p.pages) / len(p.pages) / 1024,
                 sum(e[2] for e in p.pages) / len(p.pages) / 1024, sum(e[3] for e in p.pages) / len(p.pages) / 1024,
                 max(e[3] for e in p.pages) / 1024])
    largest = sorted(p.pages, key=lambda e: -e[3])[:10]
    return ["### Page sizes before the theme", "",
            "Per page, in KiB: the source file, the Markdown MkDocs renders after journeysite's `on_page_markdown`, "
            "and the HTML content Python-Markdown produces (the theme and navigation come on top).", "",
            table(["pages", "count", "source (mean)", "Markdown rendered (mean)", "HTML content (mean)",
                   "HTML content (max)"], rows), "",
            table(["largest pages", "source KiB", "Markdown KiB", "HTML content KiB"],
                  [[f"`{src}`", a / 1024, b / 1024, c / 1024] for src, a, b, c in largest]), ""]


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, help="entities per build, comma-separated (default 300,1000,3000)")
    parser.add_argument("--check-sizes", type=parse_sizes, help="entities per check (default 1000,5000)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: builds 100,300, checks 300,1000")
    parser.add_argument("--skip-plain", action="store_true", help="skip the plain mkdocs-material builds (slow)")
    parser.add_argument("--skip-pruned", action="store_true",
                        help="skip the reference build of plain mkdocs-material with navigation.prune")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile build")
    parser.add_argument("--profile-size", type=int, help="entities for the cProfile build (default: the largest size)")
    parser.add_argument("--serve-sizes", type=parse_sizes,
                        help="entities per `mkdocs serve` session (default: those of the build sizes that are 300 or "
                        "3000, else the smallest)")
    parser.add_argument("--skip-serve", action="store_true", help="skip the `mkdocs serve` sessions")
    parser.add_argument("--edits", type=int, default=3, help="body edits and title edits per serve session (default 3)")
    parser.add_argument("--serve-plain-max", type=int, default=1000,
                        help="serve plain mkdocs-material only up to this many entities (default 1000: at 3,000 its "
                        "first build alone takes about 5 minutes, and so does each edit)")
    parser.add_argument("--serve-timeout", type=float, default=900.0,
                        help="seconds to wait for serve's first build, or for one edit to show (default 900)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of check and of the floor (median; default 5)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of the builds (plain, pruned, cold, rebuild) at the sizes up to "
                        "--rounds-max-size, each variant's median round reported (default 3)")
    parser.add_argument("--rounds-max-size", type=int, default=300,
                        help="largest size built in several rounds (default 300: a plain build of 3,000 takes minutes)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile table (default 25)")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where handbooks go (default bench/out)")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="default bench/RESULTS.md")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    args.sizes = args.sizes or preset["sizes"]
    args.check_sizes = args.check_sizes or preset["check_sizes"]
    if args.serve_sizes is None:
        args.serve_sizes = [s for s in args.sizes if s in SERVE_SIZES] or [min(args.sizes)]
    if args.skip_serve:
        args.serve_sizes = []
    if min(args.sizes + args.check_sizes + args.serve_sizes) < gen.MIN_ENTITIES:
        parser.error(f"sizes must be at least {gen.MIN_ENTITIES}")

    info = machine()
    bench = Bench(args)
    # a SIGTERM unwinds like Ctrl-C, so every `mkdocs serve` started is stopped on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    log(f"sizes: builds {args.sizes}, checks {args.check_sizes}, serve {args.serve_sizes}; out {bench.out}")
    bench.run_all()
    text = report(bench, info)
    args.results.write_text(text, encoding="utf-8")
    (bench.out / "results.json").write_text(json.dumps({
        "machine": info, "checks": [asdict(c) for c in bench.checks], "builds": [asdict(b) for b in bench.builds],
        "profile": asdict(bench.profile) if bench.profile else None, "serves": [asdict(s) for s in bench.serves],
        "failures": bench.failures,
    }, indent=1), encoding="utf-8")
    print(text)
    log(f"wrote {args.results}")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
