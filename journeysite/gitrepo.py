"""Git: where the repository that holds the handbook starts."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_toplevel(folder: Path) -> Path | None:
    """The root of the git working tree that holds ``folder``; None outside git (or without git)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(top.stdout.strip()).resolve() if top.returncode == 0 and top.stdout.strip() else None
