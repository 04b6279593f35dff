"""This user's secret key, kept outside every project: what journeysite stores in a project's ``.cache``
(which a pull request can commit) is signed with it, so only what this user's own runs wrote is read
back (``render.page_store``, ``core.reading.parse_cache``)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from journeysite.core.writing import read_regular, replace_cache_file

KEY_BYTES = 32


def in_ci() -> bool:
    """Whether this runs in CI (the ``CI`` variable set, as GitHub's and GitLab's runners set it): each run
    starts on a fresh machine with a new key, so storing anything would only cost time."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def key_path() -> Path | None:
    """Where this user's key lives: ``$XDG_CACHE_HOME/journeysite/key`` or ``~/.cache/journeysite/key``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG specification: a relative value is ignored
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):
            return None
    return Path(base) / "journeysite" / "key"


def secret_key(project: Path) -> bytes | None:
    """This user's key (made on first use), or None when it cannot be made or read, or would lie inside
    ``project`` (where a pull request could have committed it)."""
    path = key_path()
    if path is None:
        return None
    try:
        if path.resolve().is_relative_to(project.resolve()):
            return None
        key = _read_key(path)
        if key is None and not os.path.lexists(path):
            _make_key(path)
            key = _read_key(path)
        return key
    except (OSError, ValueError, RuntimeError):
        return None


def _make_key(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    try:
        os.write(handle, secrets.token_bytes(KEY_BYTES))
        os.fsync(handle)
        os.close(handle)
        handle = -1
        try:
            os.link(temporary, path)  # never replaces a key another build made meanwhile
        except FileExistsError:
            pass
    finally:
        if handle >= 0:
            os.close(handle)
        os.unlink(temporary)


def _read_key(path: Path) -> bytes | None:
    """The key: a regular file of this user, readable by no one else, of exactly KEY_BYTES bytes."""
    found = read_regular(path, KEY_BYTES)
    if found is None:
        return None
    data, status = found
    owner = getattr(os, "getuid", None)  # (Windows has none, nor these modes: no key, no store there)
    if owner is None or status.st_uid != owner() or status.st_mode & 0o077 or len(data) != KEY_BYTES:
        return None
    return data


def hmac_of(key: bytes, context: bytes, payload: bytes) -> bytes:
    """The HMAC-SHA256 (hex) of ``payload`` for ``context`` (what the file is: its format, its name)."""
    signed = hmac.new(key, context, hashlib.sha256)
    signed.update(payload)  # (not copied into one message: entries reach tens of MB)
    return signed.hexdigest().encode("ascii")


def read_signed(path: Path, limit: int, signature: Callable[[bytes], bytes]) -> bytes | None:
    """The payload of a signed file (its ``signature(payload)`` on the first line, then the payload), or
    None when it is absent, larger than ``limit``, not a regular file (a link) or not signed so."""
    found = read_regular(path, limit)
    if found is None:
        return None
    written, _, payload = found[0].partition(b"\n")
    return payload if hmac.compare_digest(written, signature(payload)) else None


def write_signed(path: Path, payload: bytes, signature: Callable[[bytes], bytes]) -> None:
    """Write ``payload`` signed, as ``read_signed`` reads it, in one step (raises OSError). Not flushed to
    disk: a torn file fails its signature."""
    replace_cache_file(path, (signature(payload), b"\n", payload))
