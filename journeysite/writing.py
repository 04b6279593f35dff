"""Writing files the way a person's editor would: the mode a new file gets from the umask."""

from __future__ import annotations

import os


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file here (0644 under the usual umask). ``tempfile.mkstemp``
    makes 0600, which would hide a new page or CODEOWNERS from the web server, CI or colleagues."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
