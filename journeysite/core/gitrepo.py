"""Git: the one way journeysite runs it (where the repository starts, commit dates, revisions)."""

from __future__ import annotations

import subprocess
from pathlib import Path

TIMEOUT = 60  # seconds; git answers these in milliseconds on any real handbook


class GitError(Exception):
    """git is missing, could not run, or refused; the message says which."""


def git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` in ``cwd`` (bytes in and out); raise GitError when it cannot run at all."""
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed, or not on PATH") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git could not run: {exc}") from None


def git_toplevel(folder: Path) -> Path | None:
    """The root of the git working tree that holds ``folder``; None outside git (or without git)."""
    try:
        top = git(["rev-parse", "--show-toplevel"], folder)
    except GitError:
        return None
    path = top.stdout.decode("utf-8", "replace").strip()
    return Path(path).resolve() if top.returncode == 0 and path else None
