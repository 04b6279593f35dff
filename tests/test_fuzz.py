"""Property-based hardening (hypothesis): no input a person or an editor can produce makes journeysite crash.

A small valid handbook is mutated at random, the way files really get broken: cut at a random byte, bytes
flipped, a value replaced by any YAML (wrong types, odd Unicode, NUL bytes, huge strings, deep nesting),
random keys added, raw YAML tags and anchors, line endings changed, random bodies with ``[[kind:id]]``, code
fences and HTML. On every such handbook the pipeline (and everything the command line runs on its result)
must finish without an exception, and every diagnostic must be one SPEC §3 knows, located in a page of the
handbook on a line the file has. The front-matter parser and the page loader are fuzzed on their own, and the
renderers are run on fuzzed but valid handbooks the way the plugin runs them.

Profiles: ``default`` (200 examples a test, for the everyday suite) and ``ci`` (at least 5,000 examples of the
handbook fuzz), loaded when the environment variable ``CI`` is set. Examples have no deadline: a wall-clock
limit fails on a loaded machine, and speed is measured in ``bench/``; input that grows without bound is
refused by the size and alias limits, which the hostile tests cover.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from browser_support import parse_html
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st

from journeysite.cli import codeowners, report, review_report
from journeysite.core import neutral, pipeline, schema
from journeysite.core.analysis import review
from journeysite.core.diagnostics import SEVERITIES
from journeysite.core.reading import frontmatter, loading
from journeysite.core.settings import Settings
from journeysite.render import authored
from journeysite.render.assemble import assemble
from journeysite.render.diagrams import dot as diagrams
from journeysite.render.diagrams.inline import DiagramSet
from journeysite.render.site import GENERATED
from journeysite.render.stash import Stash

# ---- profiles --------------------------------------------------------------------------------------

# No "explain" phase: it traces every line a failing example runs, which makes a failure take minutes to report.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)
settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,  # a slow example on a loaded machine is not a failure (timing belongs in bench/)
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The built-in "ci" profile (derandomized, no example database, blobs printed to reproduce a failure), with
# enough examples to be a real fuzz run and the same per-example deadline.
settings.register_profile(
    "ci",
    parent=settings.get_profile("ci"),
    max_examples=5000,
    deadline=None,  # a slow example on a loaded machine is not a failure (timing belongs in bench/)
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")
EXAMPLES = settings.default.max_examples  # of the loaded profile

# ---- what a diagnostic may be (SPEC §3) ----------------------------------------------------------------

GAP_SEVERITY = {
    "missing-handoff": "warning",
    "handoff-owner-mismatch": "warning",
    "handoff-without-artifacts": "warning",
    "stage-without-milestones": "warning",
    "raci-conflict": "warning",
    "uncovered-cell": "info",
    "orphan-team": "info",
    "never-in-a-journey": "warning",
    "handoff-not-a-transition": "warning",
    "step-outside-playbook": "warning",
    "due-out-of-order": "warning",
    "outside-stage-window": "warning",
    "capacity-exceeded": "warning",
    "segment-thresholds": "info",
    "stale-accept": "warning",
}
ERROR_CODES = {"yaml-syntax", "schema", "unknown-kind", "unknown-ref", "duplicate-id", "duplicate-order",
               "multiple-missions", "unsafe-file", "placeholder"}
OTHER_SEVERITY = {"reviewed-in-future": "warning", "text-cut-by-comment": "warning"}
CODES = set(GAP_SEVERITY) | ERROR_CODES | set(OTHER_SEVERITY)
TODAY = date(2026, 11, 22)

# ---- the base handbook: every kind, a plain page with links, code and HTML ----------------------------

BASE: dict[str, str] = {
    "index.md": """
        # Handbook

        Start with [[stage:buy]], then [[playbook:welcome]].

        ```text
        [[stage:nowhere]] is code
        ```

        <div class="note">HTML <b>inline</b> and `[[team:nobody]]` in code.</div>
        """,
    "mission.md": """
        ---
        kind: mission
        title: Customers win
        owner: cs
        statement: Every customer reaches value.
        values: [Honest, Proactive]
        reviewed: 2026-10-01
        ---

        The mission, with [[segment:smb]].
        """,
    "teams/cs.md": """
        ---
        kind: team
        title: Customer Success
        lead: Ana
        contact: "#cs"
        github: ["@acme/cs"]
        roles: [CSM]
        reviewed: 2026-10-01
        ---
        """,
    "teams/sales.md": """
        ---
        kind: team
        title: Sales
        github: ["@acme/sales"]
        ---
        """,
    "segments/smb.md": """
        ---
        kind: segment
        title: SMB
        owner: cs
        touch: tech
        criteria: [Under 50 seats]
        accounts_per_csm: 200
        ---
        """,
    "stages/buy.md": """
        ---
        kind: stage
        title: Buy
        owner: sales
        order: 1
        goal: The customer signs.
        entry: [Qualified]
        exit: [Signed]
        metrics: [nps]
        reviewed: 2026-01-15
        review_every: quarterly
        ---

        See [[milestone:signed]].
        """,
    "stages/use.md": """
        ---
        kind: stage
        title: Use
        owner: cs
        raci: {responsible: [cs], informed: [sales]}
        order: 2
        segments: [smb]
        ---
        """,
    "milestones/signed.md": """
        ---
        kind: milestone
        title: Signed
        owner: sales
        stage: buy
        order: 1
        success: [Contract countersigned]
        due: day 0
        celebrate: A welcome call.
        ---
        """,
    "milestones/live.md": """
        ---
        kind: milestone
        title: Live
        owner: cs
        stage: use
        order: 1
        status: draft
        ---
        """,
    "playbooks/welcome.md": """
        ---
        kind: playbook
        title: Welcome
        owner: cs
        type: lifecycle
        stages: [use]
        trigger: {milestone: signed}
        steps:
          - do: Send the welcome email
            when: day 1
            channel: email
            segments: [smb]
            systems: [CRM]
          - do: Book the kickoff
            owner: sales
        milestones: [live]
        metrics: [nps]
        outcome: The customer is live.
        systems: [CRM]
        tags: [onboarding]
        ---

        Run it after [[milestone:signed]].
        """,
    "handoffs/sales-to-cs.md": """
        ---
        kind: handoff
        title: Sales to CS
        owner: sales
        from: sales
        to: cs
        from_stage: buy
        to_stage: use
        artifacts: [Order form]
        sla: 2 business days
        ---
        """,
    "metrics/nps.md": """
        ---
        kind: metric
        title: NPS
        owner: cs
        definition: Promoters minus detractors.
        formula: "%promoters - %detractors"
        target: "> 40"
        direction: up
        ---
        """,
}
BASE = {path: textwrap.dedent(text).lstrip("\n") for path, text in BASE.items()}
ENTITY_PAGES = sorted(path for path, text in BASE.items() if text.startswith("---\n"))
IDS = ["cs", "sales", "smb", "buy", "use", "signed", "live", "welcome", "sales-to-cs", "nps", "mission"]
FIELDS = sorted({name for kind in schema.KINDS for name in schema.raw(kind).get("properties", {})}
                | {"do", "when", "channel", "milestone", "schedule", "signal", "manual",
                   "responsible", "consulted", "informed", "accountable"})

# ---- strategies ----------------------------------------------------------------------------------------

# Code points that break naive text handling: NUL and other controls, YAML's extra line breaks (NEL, LS, PS),
# bidi overrides, zero-width characters, a BOM, a combining mark, non-characters, astral characters.
ODD = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\t", "\v", "\f",
       "\u202e", "\u202d", "\u200f", "\u200e", "\u200b", "\u200d", "\u2060", "\ufeff", "\u0301", "\ufffe",
       "\uffff", "\U0001f600", "\U0010ffff", "\u05d0", "\u0627", "ǅ", "İ", "ß", "\\", "\"", "'", "`", ":", "#",
       "&", "*", "!", "|", ">", "%", "@", "{", "}", "[", "]", ",", "-", "?", "<", "\n"]
weird_text = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD)), max_size=24)
huge_text = st.integers(min_value=1_000, max_value=300_000).map(lambda n: "Lorem ipsum " * (n // 12))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), weird_text, st.sampled_from(IDS),
    st.dates().map(lambda d: d.isoformat()),
    st.binary(max_size=6), st.sets(st.sampled_from(IDS), max_size=2),  # dumped as !!binary and !!set
)
keys = st.one_of(st.sampled_from(FIELDS), weird_text.filter(bool), st.integers(), st.booleans())
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
# Raw YAML a person (or a fuzzer) might type after `key: `: tags, anchors, aliases, block scalars, flow
# collections left open, Python tags, merge keys, non-decimal numbers, unquoted indicators.
RAW_YAML = [
    "", "~", "null", "yes", "no", "on", "off", "0x1F", "0o17", "1_000", "1e400", "-.inf", ".nan", "2026-02-30",
    "2026-13-01", "12:30:00", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]",
    "!!timestamp 2020-01-01", "!!str 1", "!!int x", "!!float abc", "!!bool maybe", "!!null x", "!!map [a]",
    "!!seq {a: 1}", "!local tag", "!<tag:yaml.org,2002:str> x", "&anchor value", "*undefined", "&a [*a]",
    "|", "|-\n  text\n  more", ">\n  folded", "{", "[", "}", "]", "{a: [b, {c: d}]}", "'unterminated",
    '"unterminated', '"\\x00\\ud800\\U0010ffff"', "@handle", "`code`", "%TAG ! tag:x,2000:", "? complex",
    "<<: {title: merged}", "- a\n- b", "a: b: c", "- - - deep", "!!python/object/apply:os.getcwd []",
    "!!python/name:os.system", "!!python/object:object {}", "'it''s'", "\t\ttabbed", "--- another doc",
    "...", "#comment only", "[[stage:buy]]", "<script>alert(1)</script>",
]
# An explicit YAML tag before any value: what the safe loader builds from it (bytes, sets, dates, …) or fails on.
TAGS = ["!!binary", "!!set", "!!timestamp", "!!bool", "!!int", "!!float", "!!str", "!!null", "!!map", "!!seq",
        "!!omap", "!!pairs", "!!merge", "!!value", "!!python/tuple", "!!python/none", "!custom", "!"]
tagged_yaml = st.builds(lambda tag, value: f"{tag} {value}".rstrip(), st.sampled_from(TAGS),
                        st.one_of(st.sampled_from(RAW_YAML), weird_text, st.sampled_from(IDS),
                                  st.dates().map(str), st.integers().map(str)))
KINDS_AND_NOT = [*schema.KINDS, "Stage", "stgae", "page", "x", "", "kind", "1"]
BODY_FRAGMENTS = [
    "[[stage:buy]]", "[[stage:BUY]]", "[[team:cs]]", "[[playbook:nowhere]]", "[[kind:id]]", "[[stage:]]",
    "[[:buy]]", "[[stage:buy|x]]", "[[stage:<b>x</b>]]", "[[[stage:buy]]]", "[[stage:buy", "```", "```python",
    "~~~", "````", "    indented code", "`[[stage:buy]]`", "``x`[[team:cs]]`x``", "<div>", "</div>", "<!--",
    "-->", "<script>alert(1)</script>", "# Heading", "- item", "1. item", "> quote", "| a | b |", "|---|---|",
    "---", "***", "{{ config }}", "{% raw %}", "\\", "&amp;", "&#0;", "[x](javascript:alert(1))",
    "![img](data:text/html;base64,PHNjcmlwdD4=)", "\t", "\u2028", "\x00", "\r",
]


@st.composite
def markdown_bodies(draw) -> str:
    """A random Markdown body: link syntax, fences, HTML and odd text, on random lines."""
    parts = draw(st.lists(
        st.one_of(
            st.sampled_from(BODY_FRAGMENTS),
            st.builds(lambda k, i: f"[[{k}:{i}]]", st.sampled_from(KINDS_AND_NOT),
                      st.one_of(st.sampled_from(IDS), weird_text)),
            weird_text,
        ),
        max_size=15,
    ))
    separators = draw(st.lists(st.sampled_from(["\n", " ", "", "\n\n", "\n  "]), min_size=len(parts),
                               max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, separators, strict=True))


def split_page(text: str) -> tuple[str, str]:
    """(front matter YAML, body) of a base page."""
    source, body, _ = frontmatter.split(text)
    return source or "", body


def join_page(front: str, body: str) -> str:
    return f"---\n{front}---\n{body}"


def dump(data: object, flow: bool) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=80)


@st.composite
def truncated(draw, text: str) -> bytes:
    data = text.encode("utf-8")
    return data[: draw(st.integers(min_value=0, max_value=len(data)))]


@st.composite
def flipped(draw, text: str) -> bytes:
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data[at] ^= draw(st.integers(min_value=1, max_value=255))
    return bytes(data)


@st.composite
def value_replaced(draw, text: str) -> bytes:
    """One field's value (or the whole front matter) replaced by any YAML value, dumped by PyYAML."""
    source, body = split_page(text)
    meta = yaml.safe_load(source) or {}
    if meta and draw(st.booleans()):
        meta[draw(st.sampled_from(sorted(meta)))] = draw(yaml_values)
    else:
        meta = {**meta, **draw(st.dictionaries(keys, yaml_values, min_size=1, max_size=3))}
    if draw(st.integers(0, 9)) == 0:
        meta = draw(yaml_values)  # not a mapping at all, or a different one
    try:
        front = dump(meta, draw(st.booleans()))
    except (yaml.YAMLError, ValueError, TypeError):  # e.g. a key PyYAML cannot represent
        assume(False)
    return join_page(front, body).encode("utf-8")


@st.composite
def raw_replaced(draw, text: str) -> bytes:
    """A line `key: value` of the front matter rewritten as `key: <raw YAML>`, or a raw line added."""
    source, body = split_page(text)
    lines = source.splitlines()
    raw = draw(st.one_of(st.sampled_from(RAW_YAML), tagged_yaml, weird_text, huge_text))
    at = draw(st.integers(min_value=0, max_value=len(lines)))
    if at < len(lines) and ":" in lines[at] and draw(st.booleans()):
        key = lines[at].split(":", 1)[0]
        lines[at] = f"{key}: {raw}"
    else:
        key = draw(keys.map(str))
        lines.insert(at, f"{key}: {raw}")
    return join_page("\n".join(lines) + "\n", body).encode("utf-8")


@st.composite
def deeply_nested(draw, text: str) -> bytes:
    """A field's value nested many levels deep: flow brackets or braces, or indented block mappings."""
    source, body = split_page(text)
    depth = draw(st.integers(min_value=1, max_value=400))
    style = draw(st.sampled_from(["list", "map", "block", "block-list"]))
    if style == "list":
        value = "[" * depth + "]" * depth
    elif style == "map":
        value = "{a: " * depth + "b" + "}" * depth
    elif style == "block":
        value = "".join("\n" + "  " * (i + 1) + "a:" for i in range(depth)) + " b"
    else:
        value = "".join("\n" + "  " * i + "- " for i in range(1, depth + 1)) + "b"
    key = draw(st.sampled_from(FIELDS))
    return join_page(source + f"{key}: {value}\n", body).encode("utf-8")


@st.composite
def text_inserted(draw, text: str) -> bytes:
    at = draw(st.integers(min_value=0, max_value=len(text)))
    return (text[:at] + draw(st.one_of(weird_text, st.sampled_from(RAW_YAML))) + text[at:]).encode("utf-8")


@st.composite
def line_duplicated_or_dropped(draw, text: str) -> bytes:
    lines = text.split("\n")
    at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if draw(st.booleans()):
        lines.insert(at, lines[at])
    else:
        del lines[at]
    return "\n".join(lines).encode("utf-8")


@st.composite
def body_replaced(draw, text: str) -> bytes:
    source, _ = split_page(text)
    body = draw(markdown_bodies())
    return (join_page(source, body) if text.startswith("---\n") else body).encode("utf-8")


@st.composite
def re_encoded(draw, text: str) -> bytes:
    """Another line ending, a byte order mark, or a legacy encoding."""
    how = draw(st.sampled_from(["crlf", "cr", "bom", "latin-1", "utf-16", "mixed"]))
    if how == "crlf":
        return text.replace("\n", "\r\n").encode()
    if how == "cr":
        return text.replace("\n", "\r").encode()
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if how == "latin-1":
        return text.replace("e", "é").encode("latin-1")
    if how == "utf-16":
        return text.encode("utf-16")
    return text.replace("\n", "\r\n", 2).encode()


def mutations(text: str) -> st.SearchStrategy[bytes]:
    """Every way this test breaks a page."""
    return st.one_of(
        truncated(text), flipped(text), value_replaced(text), value_replaced(text), raw_replaced(text),
        raw_replaced(text), deeply_nested(text),
        text_inserted(text), line_duplicated_or_dropped(text), body_replaced(text), re_encoded(text),
        st.binary(max_size=300),
        st.builds(lambda front, body: join_page(front, body).encode("utf-8"), weird_text, markdown_bodies()),
    )


NEW_NAMES = ["extra.md", "teams/Upper Case.md", "stages/ünïcode.md", "a..b.md", "-x-.md", "deep/er/still/x.md",
             "日本.md", "\u202eevil.md", "playbooks/welcome-2.md", "stages/buy-again.md", "1.md"]


@st.composite
def broken_handbooks(draw) -> dict[str, bytes]:
    """The base handbook with one to three pages broken, and perhaps a new page made of any of them."""
    files = {path: text.encode("utf-8") for path, text in BASE.items()}
    for path in draw(st.lists(st.sampled_from(sorted(BASE)), min_size=1, max_size=3, unique=True)):
        files[path] = draw(mutations(BASE[path]))
    if draw(st.integers(0, 3)) == 0:
        source = draw(st.sampled_from(ENTITY_PAGES))
        files[draw(st.sampled_from(NEW_NAMES))] = draw(st.one_of(st.just(BASE[source].encode()), mutations(BASE[source])))
    return files


# ---- running the pipeline on a handbook written to a scratch folder ------------------------------------

@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One folder per test module; each example rewrites its docs folder from scratch."""
    folder = Path(tempfile.mkdtemp(prefix="journeysite-fuzz-"))
    try:
        yield folder
    finally:
        _written.pop(folder / "docs", None)
        shutil.rmtree(folder, ignore_errors=True)


_written: dict[Path, dict[str, bytes]] = {}  # what each scratch docs folder holds now


def write_docs(folder: Path, files: dict[str, bytes]) -> Path:
    """Make ``folder/docs`` hold exactly ``files``, rewriting only the files that differ (it is fast)."""
    docs = folder / "docs"
    current = _written.setdefault(docs, {})
    for path in set(current) - set(files):
        (docs / path).unlink()
        del current[path]
    for path, data in files.items():
        if current.get(path) != data:
            target = docs / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            current[path] = data
    return docs


def line_count(data: bytes) -> int:
    """The lines of a file as people count them: \\r\\n, \\r and \\n end a line (as the loader reads it)."""
    text = data.decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def file_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n") + [""]


def assert_sound(result: pipeline.Result, files: dict[str, bytes], gaps: str = "warn") -> None:
    """Every diagnostic is one of SPEC §3, at its severity, in a page of the handbook, on a line it has."""
    pages = set(files)
    for d in result.diagnostics:
        where = f"{d!r}"
        assert d.code in CODES, where
        assert d.severity in SEVERITIES, where
        if d.code in ERROR_CODES:
            assert d.severity == "error", where
        elif d.code in OTHER_SEVERITY:
            assert d.severity == OTHER_SEVERITY[d.code], where
        elif gaps == "warn":
            assert d.severity == GAP_SEVERITY[d.code], where
        assert d.file in pages, where
        assert isinstance(d.line, int) and 1 <= d.line <= line_count(files[d.file]) + 1, (
            f"{where}: line {d.line} of a file of {line_count(files[d.file])} lines")
        assert isinstance(d.message, str) and d.message.strip(), where
        assert "Traceback" not in d.message, where
        assert d.entity is None or d.entity.split(":", 1)[0] in schema.KINDS, where
        assert list(d.segments) == sorted(d.segments) and all(isinstance(s, str) for s in d.segments), where
        unknown = re.match(r"unknown field `(?:[^`]*\.)?([a-z_]+)`", d.message)
        if unknown:  # the line of an unknown field is the line that names it
            line = file_lines(files[d.file])[d.line - 1]
            assert unknown.group(1) in line or "\\" in line or "*" in line or "<<" in line, (
                f"{where}: line {d.line} is {line!r}")


def run_every_door(docs: Path, result: pipeline.Result) -> None:
    """What the command line does with a result: the three report formats, review, CODEOWNERS."""
    report.text(result.diagnostics, len(result.handbook.pages), docs, lambda text, _: text)
    annotations = report.github(result.diagnostics, docs)
    for line in annotations.split("\n") if annotations else []:  # the runner splits on \n only
        assert line.startswith(("::error ", "::warning ", "::notice ")), line
    json.loads(report.as_json(result.diagnostics, result.handbook))
    found = review.items(result.handbook, result.settings, TODAY, git_dates={})
    outcome = review_report.Review(TODAY, 30, found, result.handbook)
    review_report.text(outcome, docs)
    review_report.markdown(outcome, review_report.Links(docs_dir=docs, repo_root=docs.parent))
    json.loads(review_report.as_json(outcome))
    codeowners.generate(result.handbook, docs, docs.parent)


# ---- the properties ------------------------------------------------------------------------------------

def test_the_base_handbook_is_clean(scratch):
    """The fuzz starts from a handbook with no error, so every error below comes from a mutation."""
    files = {path: text.encode() for path, text in BASE.items()}
    result = pipeline.run(write_docs(scratch, files))
    assert result.errors == []
    assert_sound(result, files)


@settings(max_examples=max(EXAMPLES, 200))
@given(files=broken_handbooks(), gaps=st.sampled_from(["warn", "warn", "error", "off"]))
def test_broken_handbooks_give_located_diagnostics_never_an_exception(scratch, files, gaps):
    docs = write_docs(scratch, files)
    result = pipeline.run(docs, Settings(gaps=gaps))
    note("\n".join(f"{d.file}:{d.line}: {d.code}: {d.message[:120]}" for d in result.diagnostics))
    assert_sound(result, files, gaps)
    run_every_door(docs, result)


@given(source=st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD))),
    st.lists(st.one_of(st.sampled_from(RAW_YAML), weird_text, st.sampled_from(["\n", ": ", "- ", "  "])))
    .map("".join),
))
def test_parsing_any_text_returns_front_matter_or_a_located_error(source):
    lines = source.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    try:
        parsed = frontmatter.parse(source, first_line=2)
    except frontmatter.FrontMatterError as exc:
        assert exc.message and isinstance(exc.message, str)
        assert 2 <= exc.line <= 2 + lines, (exc.line, lines, exc.message)
        assert exc.column is None or exc.column >= 1
        return
    source_lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for path, line in parsed.lines.items():
        assert 2 <= line <= 1 + lines, (path, line, lines)
        key = path[-1] if path else None
        if isinstance(key, str) and key in FIELDS:  # a key is on the line recorded for it
            text = source_lines[line - 2]
            assert key in text or "\\" in text or "*" in text or "<<" in text, (path, line, text)
    for dup in parsed.duplicates:
        assert 2 <= dup.first_line < dup.second_line <= 1 + lines


@st.composite
def page_bytes(draw) -> bytes:
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return draw(st.binary(max_size=600))
    if shape == 1:
        return b"---\n" + draw(st.binary(max_size=300)) + b"\n---\n" + draw(st.binary(max_size=100))
    return draw(mutations(BASE[draw(st.sampled_from(ENTITY_PAGES))]))


@settings(max_examples=min(EXAMPLES, 2000))
@given(data=page_bytes())
def test_loading_any_bytes_returns_a_page_or_a_located_error(scratch, data):
    docs = write_docs(scratch, {"page.md": data})
    page, problems = loading.load_page(docs, "page.md")
    assert page is not None or problems, "an unreadable page must say why"
    for d in problems:
        assert d.code == "yaml-syntax" and d.severity == "error" and d.file == "page.md", d
        assert 1 <= d.line <= line_count(data) + 1, (d, line_count(data))
    if page is not None:
        for ref in page.body_refs:
            assert 1 <= ref.line <= line_count(data), (ref, line_count(data))


# ---- the renderers on fuzzed but valid handbooks ---------------------------------------------------------

# Front-matter text the renderers must show as text: markers that must never reach the output unescaped.
MARKERS = ["<zq1>", '"><zq2 onerror=x>', "<script>zq3</script>", '" onmouseover="zq4', "[[team:cs]]",
           "[[stage:stage-0]]", "[[stage:<b>zq5</b>]]"]
free_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.sampled_from(MARKERS),
    st.builds(lambda a, m, b: a + m + b, weird_text.map(lambda t: t.replace("\x00", "")), st.sampled_from(MARKERS),
              st.text(max_size=10)),
).map(lambda t: neutral.CONTROL_RE.sub("", t))  # control characters are a schema error (tested elsewhere)
titles = free_text.filter(lambda t: t.strip() != "")
# Segment thresholds (SPEC §7.6): measures and units that meet, overlap or leave holes; ends in order.
thresholds = st.builds(
    lambda measure, unit, ends: {k: v for k, v in zip(("measure", "min", "max", "unit"), (measure, *ends, unit),
                                                      strict=True) if v is not None},
    st.one_of(st.sampled_from(["ARR", "arr", "Seats"]), titles), st.sampled_from([None, "USD", "usd", "EUR"]),
    st.sampled_from([(None, 20000), (20000, 100000), (100000, None), (50000, 150000), (0.5, 2.5), (-1, 0)]),
)


def q(value: object) -> str:
    """A value as one line of YAML, quoted and escaped as PyYAML needs to read it back the same."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n").removesuffix("\n...")


@st.composite
def valid_handbooks(draw) -> dict[str, bytes]:
    """A handbook that passes the schema and references: any titles and texts, random structure."""
    team_ids = draw(st.lists(st.sampled_from(["cs", "sales", "support", "finance"]), min_size=1, max_size=4,
                             unique=True))
    segment_ids = draw(st.lists(st.sampled_from(["smb", "ent", "mid"]), max_size=3, unique=True))
    stage_count = draw(st.integers(min_value=0, max_value=4))
    stage_ids = [f"stage-{i}" for i in range(stage_count)]
    team = st.sampled_from(team_ids)
    status = st.sampled_from(["active", "active", "draft", "retired"])

    def common(kind: str, owner: bool = True) -> list[str]:
        lines = [f"kind: {kind}", f"title: {q(draw(titles))}"]
        if draw(st.booleans()):
            lines.append(f"summary: {q(draw(free_text))}")
        if owner:
            lines.append(f"owner: {draw(team)}")
        if draw(st.booleans()):
            raci = {role: draw(st.lists(team, max_size=2, unique=True))
                    for role in draw(st.lists(st.sampled_from(["responsible", "consulted", "informed"]),
                                              max_size=3, unique=True))}
            lines.append(f"raci: {q(raci)}")
        if segment_ids and draw(st.booleans()):
            lines.append(f"segments: {q(draw(st.lists(st.sampled_from(segment_ids), max_size=2, unique=True)))}")
        lines.append(f"status: {draw(status)}")
        if draw(st.booleans()):
            lines.append(f"reviewed: {draw(st.dates(date(2000, 1, 1), TODAY)).isoformat()}")
        if draw(st.booleans()):
            lines.append(f"review_every: {q(draw(st.sampled_from(['1 day', '3 weeks', '6 months', 'yearly', '999 years'])))}")
        if draw(st.booleans()):
            lines.append(f"tags: {q(draw(st.lists(free_text.filter(lambda t: t.strip()), max_size=3)))}")
        return lines

    def page(lines: list[str], body: str = "") -> bytes:
        return ("---\n" + "\n".join(lines) + "\n---\n\n" + body).encode("utf-8")

    files: dict[str, bytes] = {}
    if draw(st.booleans()):
        files["mission.md"] = page(common("mission") + [f"statement: {q(draw(titles))}",
                                                        f"values: {q(draw(st.lists(titles, max_size=3)))}"])
    for tid in team_ids:
        lines = common("team", owner=False) + [f"lead: {q(draw(free_text))}", f"contact: {q(draw(free_text))}",
                                               f"roles: {q(draw(st.lists(titles, max_size=2)))}",
                                               f"{draw(st.sampled_from(['github', 'handles']))}: {q(['@acme/' + tid])}",
                                               f"headcount: {draw(st.integers(0, 50))}"]
        files[f"teams/{tid}.md"] = page(lines)
    for sid in segment_ids:
        files[f"segments/{sid}.md"] = page(common("segment") + [
            f"touch: {draw(st.sampled_from(['high', 'medium', 'low', 'tech']))}",
            f"criteria: {q(draw(st.one_of(titles, st.lists(st.one_of(titles, thresholds), max_size=3))))}",
            f"accounts_per_csm: {q(draw(st.sampled_from([25, '6-8', {'min': 6, 'max': 8}])))}",
            f"accounts: {draw(st.integers(0, 5000))}",
        ])
    metric_ids = ["nps"] if draw(st.booleans()) else []
    for mid in metric_ids:
        files[f"metrics/{mid}.md"] = page(common("metric") + [
            f"definition: {q(draw(titles))}", f"formula: {q(draw(free_text))}", f"target: {q(draw(free_text))}",
            f"direction: {draw(st.sampled_from(['up', 'down']))}"])
    milestone_ids: list[str] = []
    for index, stage in enumerate(stage_ids):
        files[f"stages/{stage}.md"] = page(common("stage") + [
            f"order: {index + 1}", f"goal: {q(draw(free_text))}", f"entry: {q(draw(st.lists(titles, max_size=2)))}",
            f"exit: {q(draw(st.lists(titles, max_size=2)))}", f"duration: {q(draw(free_text))}",
            f"metrics: {q(metric_ids)}",
        ], body=f"Body of [[stage:{stage}]] with `[[team:{team_ids[0]}]]` in code.\n")
        for order in range(1, draw(st.integers(0, 3)) + 1):
            mid = f"{stage}-m{order}"
            milestone_ids.append(mid)
            files[f"milestones/{mid}.md"] = page(common("milestone") + [
                f"stage: {stage}", f"order: {order}", f"success: {q(draw(st.lists(titles, max_size=2)))}",
                f"due: {q(draw(free_text))}", f"celebrate: {q(draw(free_text))}"])
    if stage_ids:
        for number in range(draw(st.integers(0, 3))):
            trigger_kind = draw(st.sampled_from(["milestone", "schedule", "signal", "manual"]))
            trigger = (draw(st.sampled_from(milestone_ids)) if trigger_kind == "milestone" and milestone_ids
                       else draw(titles))
            if trigger_kind == "milestone" and not milestone_ids:
                trigger_kind = "manual"
            triggers = {trigger_kind: trigger}  # one trigger, or a list of two (SPEC §7.5)
            if draw(st.booleans()):
                triggers = [triggers, {"manual" if trigger_kind == "signal" else "signal": draw(titles)}]
            steps = [{"do": draw(titles), "when": draw(free_text), "owner": draw(team),
                      "channel": draw(st.sampled_from(["email", "call", "meeting", "in-app", "onsite", "other"])),
                      "systems": draw(st.lists(titles, max_size=2)),
                      **({"effort": draw(st.sampled_from(["30 minutes", "2 hours", "1 day", "0 hours"]))}
                         if draw(st.booleans()) else {}),
                      **({"segments": draw(st.lists(st.sampled_from(segment_ids), min_size=1, max_size=2,
                                                    unique=True))} if segment_ids and draw(st.booleans()) else {})}
                     for _ in range(draw(st.integers(0, 3)))]
            files[f"playbooks/p{number}.md"] = page(common("playbook") + [
                f"type: {draw(st.sampled_from(['lifecycle', 'risk', 'expansion']))}",
                f"stages: {q(draw(st.lists(st.sampled_from(stage_ids), min_size=1, max_size=2, unique=True)))}",
                f"trigger: {q(triggers)}", f"steps: {q(steps)}",
                f"milestones: {q(draw(st.lists(st.sampled_from(milestone_ids), max_size=2, unique=True)) if milestone_ids else [])}",
                f"metrics: {q(metric_ids)}", f"outcome: {q(draw(free_text))}",
                f"systems: {q(draw(st.lists(titles, max_size=2)))}",
            ])
        for number, (before, after) in enumerate(zip(stage_ids, stage_ids[1:], strict=False)):
            if draw(st.booleans()):
                files[f"handoffs/h{number}.md"] = page(common("handoff") + [
                    f"from: {draw(team)}", f"to: {draw(team)}", f"from_stage: {before}", f"to_stage: {after}",
                    f"artifacts: {q(draw(st.lists(titles, max_size=2)))}", f"sla: {q(draw(free_text))}"])
        if milestone_ids and draw(st.booleans()):
            files["handoffs/inside.md"] = page(common("handoff") + [
                f"from: {draw(team)}", f"to: {draw(team)}", f"milestone: {draw(st.sampled_from(milestone_ids))}"])
    links = " ".join(f"[[team:{t}]]" for t in team_ids)
    files["index.md"] = f"# Home\n\n{links}\n".encode()
    return files


@settings(max_examples=min(50 if EXAMPLES < 1000 else 300, EXAMPLES))
@given(files=valid_handbooks(), directory_urls=st.booleans())
def test_every_renderer_renders_a_fuzzed_valid_handbook(scratch, files, directory_urls):
    """The renderers, given the site the plugin assembles (``assemble``), render every page without an
    exception, and no front-matter text reaches their output unescaped."""
    docs = write_docs(scratch, files)
    settings_ = Settings()
    result = pipeline.run(docs, settings_, today=TODAY)
    assert result.errors == [], [f"{d.file}:{d.line}: {d.message}" for d in result.errors]
    assert_sound(result, files)
    handbook = result.handbook
    built = assemble(
        result,
        use_directory_urls=directory_urls,
        diagrams=lambda context: DiagramSet(
            handbook, Stash(), diagrams.all_diagrams(handbook, context.relations, context.gap_entities), {}, missing_dot=True
        ),
    )
    context = built.context

    outputs = {page.src_uri: built.files[page.src_uri] for page in GENERATED}
    for entity in handbook.all():
        page = next(p for p in handbook.pages if p.file == entity.file)
        outputs[entity.file] = authored.markdown(context.at(entity.file), page.body, entity)  # as on_page_markdown
    exported = built.files["journey.json"]
    assert "<" not in exported
    json.loads(exported)
    for where, output in outputs.items():
        for marker in ("<zq", "<script>zq"):
            assert marker not in output, f"{where} shows {marker!r} unescaped:\n{output[max(0, output.find(marker) - 200):][:400]}"
        assert event_handlers(output) == [], where


def event_handlers(markup: str) -> list[str]:
    """Every ``on…=`` attribute of every tag in ``markup`` (none is ever written by journeysite)."""
    return [f"<{e.tag} {name}=...>" for e in parse_html(markup).elements() for name, _ in e.pairs if name.startswith("on")]


# ---- what the fuzz found, pinned as plain examples ------------------------------------------------------

def check_page(folder: Path, front: str) -> list:
    """The diagnostics of a handbook of one team and one page whose front matter is ``front`` (line 2 on)."""
    files = {"teams/cs.md": b"---\nkind: team\ntitle: CS\n---\n",
             "teams/page.md": f"---\n{front}---\n\nBody.\n".encode()}
    result = pipeline.run(write_docs(folder, files))  # must not raise
    assert_sound(result, files)
    return [d for d in result.diagnostics if d.file == "teams/page.md" and d.severity == "error"]


@pytest.mark.parametrize(
    "value",
    ["!!binary aGVsbG8=", "!!set {a, b}", "!!timestamp 2020-01-01", "!!timestamp 2020-01-01 10:00:00",
     "[!!binary aGVsbG8=]", "{x: !!set {a}}"],
)
def test_values_json_schema_cannot_hold_are_an_error_not_a_crash(tmp_path, value):
    """Bytes, sets and dates (explicit YAML tags) reach the JSON Schema validator, which cannot take them:
    a value of the wrong type (a ``schema`` error on its line), or a tag journeysite refuses (``yaml-syntax``)."""
    found = check_page(tmp_path, f"kind: team\ntitle: T\nlead: {value}\n")
    assert [d.code for d in found] in (["schema"], ["yaml-syntax"]), found
    assert found[0].line == 4 or (found[0].code == "yaml-syntax" and found[0].line >= 2), found


@pytest.mark.parametrize(
    "value",
    ["!!bool maybe", "!!bool", "!!timestamp soon", "!!timestamp", "!!int", "!!float", '!!int ""', '!!float ""'],
)
def test_a_tagged_value_that_cannot_be_built_is_a_yaml_error(tmp_path, value):
    """PyYAML's constructors raise KeyError, AttributeError or IndexError for these: never let one escape."""
    found = check_page(tmp_path, f"kind: team\ntitle: T\nlead: {value}\n")
    assert [d.code for d in found] == ["yaml-syntax"], found
    assert 2 <= found[0].line <= 4


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_yaml_only_line_breaks_do_not_shift_the_lines_of_later_keys(tmp_path, char):
    """YAML counts NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as line breaks; files and editors do not."""
    found = check_page(tmp_path, f'kind: team\ntitle: "T{char * 20}"\nsummary: S\ncolour: red\n')
    assert [(d.code, d.line) for d in found] == [("schema", 5)], found
    found = check_page(tmp_path, f"kind: team\ntitle: 'T{char}'\nsummary: S\ncolour: red\n")
    assert [(d.code, d.line) for d in found] == [("schema", 5)], found


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_a_control_character_is_reported_on_its_line_in_one_sentence(tmp_path, char):
    found = check_page(tmp_path, f"kind: team\ntitle: T\nlead: A{char}B\nsummary: S\n")
    assert [(d.code, d.line) for d in found] == [("yaml-syntax", 4)], found
    assert "\n" not in found[0].message and "<unicode string>" not in found[0].message, found[0].message


def test_a_bad_tag_is_reported_by_check_without_a_traceback(project):
    hb = project()
    hb.write("teams/cs.md", "---\nkind: team\ntitle: CS\ntags: !!set {a, b}\nlead: !!bool maybe\n---\n")
    status, data = hb.check_json()  # in-process: an exception would fail the test here
    assert status == 1
    assert {d["code"] for d in data["diagnostics"] if d["severity"] == "error"} <= {"schema", "yaml-syntax"}
