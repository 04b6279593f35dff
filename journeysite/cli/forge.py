"""The forge that hosts the handbook (GitHub or GitLab): which one, what it calls things, and a team's
handles as that forge mentions them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from journeysite.core import neutral
from journeysite.core.model import Entity

FORGES = ("github", "gitlab")
NAMES = {"github": "GitHub", "gitlab": "GitLab"}
# What a proposed change is called on each forge.
CHANGE_REQUESTS = {"github": "pull request", "gitlab": "merge request"}


def from_repo_url(repo_url: str | None) -> str:
    """``gitlab`` when ``repo_url`` (in ``mkdocs.yml``) is on a host whose name holds ``gitlab``
    (gitlab.com, gitlab.example.com), else ``github``."""
    return "gitlab" if "gitlab" in _host(repo_url) else "github"


def _host(repo_url: str | None) -> str:
    """The host name of ``repo_url``, lower-cased; '' for none or a malformed address."""
    if not repo_url:
        return ""
    try:
        return (urlsplit(repo_url if "//" in repo_url else f"//{repo_url}").hostname or "").lower()
    except ValueError:  # an unclosed IPv6 bracket
        return ""


def blob_path(repo_url: str, forge: str) -> str:
    """The part of a file page's address after the repository's: GitLab's ``-/blob`` on a host whose name
    holds ``gitlab``, GitHub's ``blob`` on github.com; on another host, that of ``forge`` (the mentions
    may follow one forge while the files are hosted on the other)."""
    host = _host(repo_url)
    if "gitlab" in host or (forge == "gitlab" and host not in ("github.com", "www.github.com")):
        return "-/blob"
    return "blob"


def written_handles(team: Entity | None) -> tuple[str, ...]:
    """Every handle a team page writes (``github`` or ``handles``), valid or not, each once."""
    if team is None:
        return ()
    return tuple(dict.fromkeys((*team.texts("github"), *team.texts("handles"))))


def valid_handles(team: Entity | None, forge: str) -> tuple[str, ...]:
    """The team's handles that are handles on ``forge``, in the order written."""
    return tuple(h for h in written_handles(team) if neutral.is_handle(h, forge))


def mention(handle: str, forge: str) -> str:
    """A handle in an issue body: a mention where it is one on ``forge``, else inline code that
    mentions nobody and cannot break out of itself (``@`` followed by a zero-width space)."""
    if neutral.is_handle(handle, forge):
        return handle
    return code(neutral.line(handle).replace("@", "@\u200b"))


def code(text: str) -> str:
    """``text`` as a Markdown code span: fenced by one backtick more than its longest run of them,
    padded where it starts or ends with a backtick or a space."""
    text = " ".join(text.split()) or "\u200b"
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text[0] in "` " or text[-1] in "` " else text
    return f"{fence}{padded}{fence}"
