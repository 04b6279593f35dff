"""Writing files without losing anything: a temporary file beside the target, then one rename.

Nothing journeysite writes is ever half-written, a new file gets the mode the umask gives (not
``mkstemp``'s 0600), a replaced file keeps its mode (a cache's entry gets a new file's), and an edit saved
meanwhile is never overwritten.
What it reads back from its caches, which a pull request could have written, is read by ``read_regular``.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO


class Changed(Exception):
    """The file no longer holds what was read from it: someone saved it meanwhile."""


class Exists(Exception):
    """The file appeared meanwhile, and a new file never replaces one."""


# A file journeysite makes: never an existing one, nor through a link; bytes as they are (Windows).
NEW_FILE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


def open_regular(path: Path) -> BinaryIO | None:
    """The file opened for reading bytes, or None unless it is a regular file (opened without following
    a link): how journeysite opens its caches and its key."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    file = os.fdopen(handle, "rb")
    try:
        if stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return file
    except OSError:
        pass
    file.close()
    return None


def read_regular(path: Path, limit: int) -> tuple[bytes, os.stat_result] | None:
    """A file's bytes and status, or None unless it is a regular file (``open_regular``) of at most
    ``limit`` bytes."""
    file = open_regular(path)
    if file is None:
        return None
    try:
        with file:
            status = os.fstat(file.fileno())
            if status.st_size > limit:
                return None
            data = file.read(min(limit, status.st_size) + 1)  # (not a buffer of ``limit`` each time)
    except OSError:
        return None
    return (data, status) if len(data) <= limit else None


def linked_on_the_way(folder: Path, levels: int) -> bool:
    """Whether ``folder``, or one of the ``levels - 1`` folders above it, is a symbolic link: a pull
    request can commit one in a project's ``.cache`` to have files read or written elsewhere."""
    for _ in range(levels):
        if folder.is_symlink():
            return True
        folder = folder.parent
    return False


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file here (0644 under the usual umask)."""
    return 0o666 & ~_UMASK


def _umask() -> int:
    """The process's umask, read once as this module is imported, on the main thread: reading it means
    setting it, and a file another thread created meanwhile (the diagram cache's, the page store's, one
    MkDocs writes) would get the umask set for the moment instead of the user's."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def replace_file(path: Path, data: bytes, expected: bytes | None = None, durable: bool = True) -> None:
    """Write ``data`` to ``path`` in one step, creating its folder; with ``expected``, only if the file
    still holds exactly that (else raise Changed, writing nothing). ``durable=False`` skips the flush to
    disk: for a cache, whose entries are checked when read (a torn one is ignored)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # the file's own permissions (never a link's target's, nor setuid or setgid)
        status = os.lstat(path)
        mode = stat.S_IMODE(status.st_mode) & 0o777 if stat.S_ISREG(status.st_mode) else new_file_mode()
    except FileNotFoundError:
        mode = new_file_mode()
    temporary = _temporary(path, data, mode, durable)
    try:
        if expected is not None and path.read_bytes() != expected:
            raise Changed(f"{path} changed while journeysite was writing it")
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def replace_cache_file(path: Path, parts: Sequence[bytes]) -> None:
    """Write the concatenated ``parts`` to ``path`` in one step, for a cache, whose entries are checked when
    read (a torn one is ignored): not flushed to disk, and with the mode a new file gets. Cheaper than
    ``replace_file`` (a build writes thousands): a temporary name of this thread rather than a random one,
    no look at the file it replaces. Never writes into ``path`` itself, so a hard link to it keeps its text.
    Raises OSError."""
    temporary = path.parent / f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        handle = os.open(temporary, NEW_FILE_FLAGS, 0o666)  # (the umask applies: new_file_mode)
    except FileNotFoundError:  # its folder is not there yet
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, NEW_FILE_FLAGS, 0o666)
    except FileExistsError:  # left by a process of the same number that died writing it
        os.unlink(temporary)  # (a link is removed, never followed)
        handle = os.open(temporary, NEW_FILE_FLAGS, 0o666)
    try:
        try:
            write_all(handle, parts)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_all(handle: int, parts: Sequence[bytes]) -> None:
    """Write every byte of ``parts``, in order, to the open file ``handle`` (raises OSError)."""
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(handle, view) :]


def create_file(path: Path, data: bytes) -> None:
    """Write a new file at ``path`` in one step; raise Exists (writing nothing) when there is one."""
    temporary = _temporary(path, data, new_file_mode())
    try:
        try:
            os.link(temporary, path)  # atomic, and refuses an existing target
        except FileExistsError:
            raise Exists(str(path)) from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise Exists(str(path)) from None
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _temporary(path: Path, data: bytes, mode: int, durable: bool = True) -> str:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
