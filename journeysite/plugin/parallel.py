"""The second core: a forked copy of the build converts, then renders, pages from the last one back while
MkDocs goes from the first one on, and hands back what it made as a page store would (``PageHTML``).

MkDocs converts every page's Markdown in one loop, then renders every page's template in a second loop,
on one core. At ``on_nav`` (before the first loop) and at ``on_env`` (before the second), the plugin forks
this process; the copy runs MkDocs' own per-page step (``_populate_page``, ``_build_page``), every
plugin's events included, on pages from the end, until it meets MkDocs going the other way (``Worker``),
and writes each page's result to a pipe. MkDocs takes a page the copy made as a kept page: the machinery
that keeps an unchanged page between builds (``journeysite.render.rebuild``) puts it in place. The copy
hands back only pages during which nothing was logged: MkDocs makes any other page itself, so that every
message is logged once and counts for ``--strict``; a copy that fails hands back no more pages.

Only for builds journeysite can keep pages of at all (``incremental.why_not``: no plugin it does not know,
which could keep state of its own per page), on Linux with two cores or more. The copy touches nothing
of the threads drawing diagrams (``dot``): it makes a page with a diagram only when the parent's stash
holds the figure's placeholder (converting) or the figure's drawing was done before the fork (rendering).
"""

from __future__ import annotations

import gc
import logging
import math
import mmap
import multiprocessing
import os
import pickle
import signal
import struct
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.structure.files import File

from journeysite.core.writing import write_all

# Fewer pages the copy could make than this: forking costs more than it saves (measured here: 44 pages
# build in 0.83 s on one core or two, 74 in 1.14 s on one and 1.01 s on two).
MIN_PAGES = 50
FREE, PARENT, COPY = 0, 1, 2  # who makes a page
STUCK = 120.0  # seconds without a page from a living copy: it is stopped, and the parent goes on alone


def cores() -> int:
    """The cores this process may use: its CPU affinity, within its cgroup's CPU quota (a container's
    ``--cpus``)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()[:2]
        if quota != "max":
            count = min(count, max(1, math.floor(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return count


def usable() -> bool:
    """Whether this machine and this MkDocs let a build fork a copy of itself that makes pages."""
    return (
        sys.platform.startswith("linux")  # (macOS's system libraries do not promise to survive a fork)
        and cores() >= 2
        and callable(getattr(mkdocs_build, "_populate_page", None))
        and callable(getattr(mkdocs_build, "_build_page", None))
    )


class Worker:
    """A forked copy of this process that makes pages from the end of a loop's pages while MkDocs makes
    them from the start, until the two meet: who makes which page is a byte per page in memory both
    processes share, claimed under a lock, so the work splits itself whatever each page costs. The copy
    writes each page's (picklable) result to a pipe as soon as it is made."""

    def __init__(
        self, pid: int, fd: int, files: list[File], eligible: set[str], owners: mmap.mmap, lock: Any
    ) -> None:
        self.pid = pid
        self.index = {f.src_uri: i for i, f in enumerate(files)}
        self.files = files
        self.eligible = eligible  # the pages the copy may make (src_uri)
        self._owners, self._lock = owners, lock
        self._made: dict[int, Any] = {}
        self._ended = False
        self._changed = threading.Condition()
        self._fd = fd
        self._reader = threading.Thread(target=self._read, name="journeysite-copy", daemon=True)
        self._reader.start()

    @classmethod
    def start(
        cls,
        files: list[File],
        can: Callable[[File], bool],
        make: Callable[[File], Any],
        watch: Any,
        loggers: Sequence[str],
    ) -> Worker | None:
        """Fork a copy that makes, with ``make``, the pages of ``files`` it ``can`` make, from the last
        one back; None when there are too few of them to be worth it or the process cannot fork. In the
        copy, what ``loggers`` (and any other logger) log reaches only ``watch``
        (``incremental.LogWatch``), which counts it, and nothing is printed: ``make`` hands back None
        for a page during which anything was logged, and the parent makes it, logging the same."""
        eligible = {f.src_uri for f in files if can(f)}
        if len(eligible) < MIN_PAGES:
            return None
        try:  # (a machine without POSIX semaphores, /dev/shm read-only: then on one core)
            owners = mmap.mmap(-1, max(len(files), 1))
            lock = multiprocessing.get_context("fork").Lock()
            read, write = os.pipe()
        except (OSError, ValueError, ImportError):
            return None
        gc.freeze()  # neither process's collector touches (and so copies) the objects they share
        try:
            with warnings.catch_warnings():  # (3.12 warns of threads: the copy uses nothing of theirs)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the copy: never returns into MkDocs
            code = 1
            try:
                os.close(read)
                _copy(files, eligible, make, owners, lock, write, watch, loggers)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        try:
            return cls(pid, read, files, eligible, owners, lock)
        except RuntimeError:  # no thread to read the pipe: stop the copy
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            gc.unfreeze()
            return None

    def __contains__(self, src_uri: str) -> bool:
        return src_uri in self.eligible

    def mine(self, src_uri: str) -> bool:
        """Whether the parent makes this page: it claims it, unless the copy has."""
        i = self.index[src_uri]
        with self._lock:
            if self._owners[i] == FREE:
                self._owners[i] = PARENT
            return self._owners[i] == PARENT

    def made(self, src_uri: str) -> Any:
        """What the copy made of a page it claimed (waits for it), or None: make the page yourself (it
        logged, failed, or the copy ended or was stuck for ``STUCK`` seconds and is stopped)."""
        i = self.index[src_uri]
        with self._changed:
            waited = 0.0
            while not (i in self._made or self._ended):
                if self._changed.wait(timeout=1.0):
                    waited = 0.0
                    continue
                waited += 1.0
                if waited >= STUCK:
                    self._stop()
                    break
            return self._made.pop(i, None)

    def _stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._ended = True

    def _read(self) -> None:
        try:
            with os.fdopen(self._fd, "rb", buffering=1 << 20) as pipe:
                while len(header := pipe.read(8)) == 8:
                    (size,) = struct.unpack("<Q", header)
                    frame = pipe.read(size)
                    if len(frame) != size:
                        break
                    i, result = pickle.loads(frame)
                    with self._changed:
                        self._made[i] = result
                        self._changed.notify_all()
        except Exception:  # a copy cut short: the parent makes the pages it has not handed back
            pass
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def finish(self) -> None:
        """Wait for the copy to end (it has, once the parent made or took every page; one stuck is
        stopped) and forget it."""
        self._reader.join(timeout=STUCK)
        if self._reader.is_alive():
            with self._changed:
                self._stop()
            self._reader.join()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        gc.unfreeze()
        self._made.clear()
        self._owners.close()

    def cancel(self) -> None:
        """Stop the copy (a failed build, Ctrl-C)."""
        with self._changed:
            self._stop()
        self.finish()


def _copy(
    files: list[File],
    eligible: set[str],
    make: Callable[[File], Any],
    owners: mmap.mmap,
    lock: Any,
    write: int,
    watch: Any,
    loggers: Sequence[str],
) -> None:
    """The copy's work: from the last page back, claim each page it may make, make it, send it; stop
    at the first page the parent has claimed."""
    os.closerange(3, write)  # nothing of the parent's open files: a `dot` waiting for the end of its
    os.closerange(write + 1, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 4096)  # input
    _quiet(watch, loggers)
    gc.disable()  # short-lived: collecting would only copy the parent's pages into this one
    for i in range(len(files) - 1, -1, -1):
        if files[i].src_uri not in eligible:
            continue
        with lock:
            if owners[i] != FREE:
                return  # the parent is here: every page before is the parent's
            owners[i] = COPY
        before = watch.count
        result = make(files[i])
        data = pickle.dumps((i, result if watch.count == before else None), protocol=pickle.HIGHEST_PROTOCOL)
        write_all(write, (struct.pack("<Q", len(data)), data))


def _quiet(watch: Any, loggers: Sequence[str]) -> None:
    """Nothing the copy logs or prints reaches the terminal; what is logged, by the builder or any other
    logger, at any level the build log shows, still reaches ``watch``, which counts it, so that a page
    during which anything was logged is not handed back."""
    watch.in_copy = True
    for name in (*loggers, ""):  # ("": the root logger, where every other logger's records end)
        logging.getLogger(name).handlers = [watch]
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def populate(file: File, config: Any, all_files: Any) -> bool:
    """MkDocs' own step of its first loop (read, on_pre_page, on_page_markdown, convert, on_page_content)
    for one page, in the copy; False when it failed (the parent makes it, and reports why)."""
    try:
        assert file.page is not None
        mkdocs_build._populate_page(file.page, config, all_files)
    except Exception:
        return False
    return True


def build(file: File, config: Any, doc_files: Any, nav: Any, env: Any) -> bool:
    """MkDocs' own step of its second loop (context, on_page_context, template, on_post_page, written
    unless a plugin's on_post_page gave nothing) for one page, in the copy."""
    try:
        assert file.page is not None
        mkdocs_build._build_page(
            file.page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded()
        )
    except Exception:
        return False
    return True
