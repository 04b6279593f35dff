"""Running Graphviz: DOT to SVG with the real ``dot``, one graph per process, cached by content."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from journeysite.core.writing import linked_on_the_way, read_regular, replace_file

ARGS = ("-Tsvg",)
TIMEOUT = 30.0  # one diagram
DEADLINE = 60.0  # all of a build's diagrams (the plugin's `dot_deadline`)
MAX_SVG_BYTES = 5 * 1024 * 1024  # a journey diagram of 3,000 entities is far smaller
WORKERS = 2  # two workers render 1.8x faster than one on two cores (FACTS.md)

INSTALL_HELP = (
    "install Graphviz to draw the journey diagrams — Debian/Ubuntu: `sudo apt-get install graphviz`; "
    "macOS: `brew install graphviz`; Windows: `winget install graphviz` — or set `diagrams: false` "
    "for the journeysite plugin in mkdocs.yml"
)


@dataclass
class Rendered:
    """The SVG of one diagram, or why there is none."""

    svg: str | None = None
    error: str | None = None
    from_cache: bool = False
    out_of_time: bool = False  # not drawn because the build's Graphviz deadline had passed


@dataclass
class DotRenderer:
    """Renders DOT through ``dot -Tsvg``, keeping each SVG under ``cache_dir`` keyed by a hash of its inputs."""

    cache_dir: Path
    dot: str | None = field(default_factory=lambda: shutil.which("dot"))
    timeout: float = TIMEOUT
    deadline: float = DEADLINE
    runs: int = 0  # how many times dot was started in this build
    started: float = field(default_factory=time.monotonic)
    used: set[str] = field(default_factory=set)
    pool: ThreadPoolExecutor | None = None

    @property
    def available(self) -> bool:
        return self.dot is not None

    def version(self) -> str:
        """``dot -V``, remembered in the cache per binary (path, size, mtime) so a warm build starts no dot."""
        assert self.dot is not None
        stat = os.stat(self.dot)
        identity = f"{os.path.realpath(self.dot)}:{stat.st_size}:{stat.st_mtime_ns}"
        record = self.cache_dir / "dot-version.json"
        try:
            saved = json.loads(self._read(record, 4096) or "")
            if saved.get("identity") == identity:
                return saved["version"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        self.runs += 1
        try:
            out = subprocess.run([self.dot, "-V"], capture_output=True, text=True, timeout=self.timeout)
            version = (out.stderr or out.stdout).strip() or "unknown"
        except (OSError, subprocess.SubprocessError):
            version = "unknown"
        self._write(record, json.dumps({"identity": identity, "version": version}))
        return version

    def start_all(self, sources: dict[str, str]) -> dict[str, Future[Rendered]]:
        """Start rendering every DOT source (name → DOT): cache hits are done at once, misses run in the
        background, one dot process each, while the caller goes on (the site build needs the SVG only
        when it writes the page). ``close()`` waits for them."""
        if not self.available:
            return {name: _done(Rendered(error="dot not found")) for name in sources}
        self.started = time.monotonic()
        version = self.version()
        results: dict[str, Future[Rendered]] = {}
        for name, dot in sources.items():
            key = hashlib.sha256("\0".join((version, " ".join(ARGS), dot)).encode()).hexdigest()
            path = self.cache_dir / f"{key}.svg"
            self.used.update((path.name, f"{key}.failed"))
            cached = self._cached(path)
            if cached is not None:
                results[name] = _done(cached)
            else:
                if self.pool is None:
                    self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="journeysite-dot")
                self.runs += 1
                results[name] = self.pool.submit(self._render_to, dot, path)
        return results

    def close(self, cancel: bool = False) -> None:
        """Wait for the renders still running (or, with ``cancel``, drop those not started yet)."""
        if self.pool is not None:
            self.pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self.pool = None

    @cached_property
    def usable(self) -> bool:
        """Whether the cache folder may be read and written: not when it, or a folder on its way from
        the project (``.cache``, ``.cache/plugin``), is a symbolic link — a pull request can commit one, to
        have the build read any file as a diagram or delete files elsewhere when it prunes."""
        return not linked_on_the_way(self.cache_dir, 3)  # journeysite/, plugin/, .cache/

    def _cached(self, path: Path) -> Rendered | None:
        """What the cache holds for this input: its SVG, or the failure it ended in (so a diagram
        ``dot`` cannot draw costs nothing on the next build). The cache is untrusted like everything a
        pull request's CI run could write: only regular files are read (never through a link), at most
        MAX_SVG_BYTES, and the page sanitises the SVG."""
        svg = self._read(path, MAX_SVG_BYTES)
        if svg is not None:
            return Rendered(svg=svg, from_cache=True)
        failure = self._read(path.with_suffix(".failed"), 500)
        return Rendered(error=failure, from_cache=True) if failure is not None else None

    def _read(self, path: Path, limit: int) -> str | None:
        """A cache file's text: None unless it is a regular file (not a link) of at most ``limit`` bytes."""
        if not self.usable:
            return None
        found = read_regular(path, limit)
        if found is None:
            return None
        try:
            return found[0].decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _render_to(self, dot: str, path: Path) -> Rendered:
        rendered = self._render(dot)
        if rendered.svg is not None:
            self._write(path, rendered.svg)
        elif not rendered.out_of_time:
            self._write(path.with_suffix(".failed"), rendered.error or "dot failed")
        return rendered

    def _render(self, dot: str) -> Rendered:
        assert self.dot is not None
        left = self.deadline - (time.monotonic() - self.started)
        if left <= 0:
            return Rendered(
                error=f"Graphviz's {self.deadline:g} seconds for this build ran out", out_of_time=True
            )
        timeout = min(self.timeout, left)
        try:
            done = subprocess.run(
                [self.dot, *ARGS], input=dot.encode("utf-8"), capture_output=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            if timeout < self.timeout:
                return Rendered(
                    error=f"Graphviz's {self.deadline:g} seconds for this build ran out", out_of_time=True
                )
            return Rendered(error=f"dot did not finish within {self.timeout:g} seconds")
        except OSError as exc:
            return Rendered(error=f"dot could not be started: {exc}")
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if len(done.stdout) > MAX_SVG_BYTES:
            return Rendered(
                error=f"dot wrote {len(done.stdout) // 1024 // 1024} MB of SVG, more than the "
                f"{MAX_SVG_BYTES // 1024 // 1024} MB a page can take"
            )
        svg = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0 or "<svg" not in svg:
            return Rendered(error=f"dot failed (exit {done.returncode}): {stderr[:300] or 'no output'}")
        return Rendered(svg=svg)

    def prune(self) -> None:
        """Delete cached SVGs this build did not use, so the cache does not grow forever."""
        if not self.usable:
            return
        try:
            entries = [*self.cache_dir.glob("*.svg"), *self.cache_dir.glob("*.failed")]
        except OSError:
            return
        for entry in entries:
            if entry.name not in self.used:
                try:
                    entry.unlink()
                except OSError:
                    pass

    def _write(self, path: Path, content: str) -> None:
        if not self.usable:
            return
        try:
            replace_file(path, content.encode("utf-8"))
        except OSError:
            pass  # a read-only cache only costs speed


def _done(rendered: Rendered) -> Future[Rendered]:
    future: Future[Rendered] = Future()
    future.set_result(rendered)
    return future


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ID = re.compile(r'\bid="([^"]*)"')
_LOCAL_REF = re.compile(r'(href="#|url\(#)([^")]*)')
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")


def prepare_svg(svg: str, prefix: str, title: str) -> str:
    """Make dot's SVG fit to inline: no prologue or comments, ids prefixed, an accessible name."""
    svg = _COMMENT.sub("", _PROLOGUE.sub("", svg, count=1))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _LOCAL_REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    from html import escape

    label = escape(title, quote=True)
    return _SVG_OPEN.sub(
        lambda m: f'<svg{m.group(1)} role="img" aria-label="{label}"><title>{label}</title>', svg, count=1
    )
