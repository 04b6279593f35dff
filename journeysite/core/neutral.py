"""Text from a pull request, neutralised for the medium it is printed into.

A title, a file name or a handle can hold line breaks, terminal escapes, GitHub workflow commands
(``::add-mask::``), Markdown that opens a heading or a link, or an ``@``-mention. Each medium gets the
text it needs: one visible line for a terminal or a log, inert inline Markdown for an issue or a
comment, a validated handle for CODEOWNERS and mentions.
"""

from __future__ import annotations

import re

# Line breaks as YAML, terminals and GitHub's log reader see them.
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# Characters that are not text: C0 and C1 controls (ESC starts terminal escapes), DEL, and the
# bidirectional overrides that make text read differently than it is stored. Tab and CR/LF are text.
# (The schema refuses these in front matter; ``line`` shows them, once _BREAKS has shown the breaks.)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A GitHub handle as CODEOWNERS and mentions take it: @user or @org/team.
HANDLE_RE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?")
# A GitLab handle: @user, @group or @group/subgroup/…; each part as GitLab's namespace paths are
# (letters, digits, `_`, `.`, `-`; not starting with `-`, not ending with `.`, `.git` or `.atom`).
_GITLAB_PART = r"(?:[A-Za-z0-9_.][A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-]|[A-Za-z0-9_])(?<!\.git)(?<!\.atom)"
GITLAB_HANDLE_RE = re.compile(rf"@{_GITLAB_PART}(?:/{_GITLAB_PART}){{0,20}}")
# A handle as the team field `handles` takes it, for whichever forge: GitHub's or GitLab's form (each
# use checks the form of its own forge).
FORGE_HANDLE_RE = re.compile(
    r"@[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}){0,20}"
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~=-])")


def line(text: object) -> str:
    """One terminal line: line breaks shown as ``\\n``, control characters as ``\\xNN`` or ``\\uNNNN``,
    and no CI runner command in it (a terminal in CI is a runner's log: see ``_no_commands``)."""
    value = _BREAKS.sub(lambda m: "\\r\\n" if m.group(0) == "\r\n" else _visible(m.group(0)), str(text))
    return _no_commands(CONTROL_RE.sub(lambda m: _visible(m.group(0)), value))


def _no_commands(value: str) -> str:
    """No CI runner command: ``::`` (GitHub's commands) and ``##[`` (the older form its runner still
    reads anywhere in a line) split by a zero-width space."""
    return value.replace("::", ":\u200b:").replace("##[", "#\u200b#[")


def log_block(text: object) -> str:
    """Several log lines (a listing, or a message of MkDocs' own): each line neutralised as ``line``
    does, the line breaks kept."""
    return "\n".join(line(part) for part in _BREAKS.split(str(text)))


def markdown(text: object) -> str:
    """Inline Markdown that shows the text as written: no heading, link, emphasis, HTML, table cell
    break, issue reference or ``@``-mention can come from it."""
    value = " ".join(line(text).split())
    value = value.replace("&", "&amp;")
    value = _MARKDOWN_SPECIAL.sub(r"\\\1", value)
    # A zero-width space after @ and # keeps GitHub from mentioning anyone or linking an issue, and one
    # inside :// and www. from turning a bare address into a link.
    value = value.replace("@", "@\u200b").replace("#", "#\u200b")
    return re.sub(r"(?i)(www)\.", "\\1\u200b.", value.replace("://", ":\u200b//"))


def is_handle(value: object, forge: str = "github") -> bool:
    """True for a handle of ``forge``: on GitHub ``@user`` or ``@org/team``, on GitLab ``@user``,
    ``@group`` or ``@group/subgroup/…``; ``"any"``: either form (what the field ``handles`` holds)."""
    pattern = {"github": HANDLE_RE, "gitlab": GITLAB_HANDLE_RE, "any": FORGE_HANDLE_RE}[forge]
    if forge == "gitlab" and isinstance(value, str) and value.lower() == "@all":
        return False  # GitLab's mention of every member of the project, never a user or a group
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _visible(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
