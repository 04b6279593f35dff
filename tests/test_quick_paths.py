"""The quick paths ``check`` takes give what the general ones give.

Reading a handbook builds each front matter on the walk that indexes its lines instead of with PyYAML's
constructor, skips the walk for control characters and placeholders where the YAML cannot hold them,
and reads MkDocs' default exclusions without importing pathspec. Each shortcut is compared here with
the general way, on input hypothesis makes up.
"""

from __future__ import annotations

import math
import os
import posixpath
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pathspec
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from journeysite.core import neutral, placeholders
from journeysite.core.reading import frontmatter, loading
from journeysite.render import links

LOADERS = {"libyaml": frontmatter.LOADER, "pure-python": frontmatter.PURE_PYTHON_LOADER}


@contextmanager
def loader(name: str) -> Iterator[type]:
    saved = frontmatter.LOADER
    frontmatter.LOADER = LOADERS[name]
    try:
        yield LOADERS[name]
    finally:
        frontmatter.LOADER = saved


def shape(value: Any, seen: dict[int, int] | None = None) -> Any:
    """The value as comparable data, with the places that share one list or mapping (YAML aliases)."""
    seen = {} if seen is None else seen
    if isinstance(value, list | dict):
        if id(value) in seen:
            return ("same as", seen[id(value)])
        seen[id(value)] = len(seen)
        if isinstance(value, list):
            return ("list", [shape(v, seen) for v in value])
        return ("map", [(type(k).__name__, repr(k), shape(v, seen)) for k, v in value.items()])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, repr(value))


def assert_built_as_pyyaml_builds(source: str) -> None:
    for name in LOADERS:
        with loader(name) as base:
            try:
                parsed = frontmatter.parse(source)
            except frontmatter.FrontMatterError:
                continue  # refused before anything is built: the fuzz and hostile tests cover the messages
            assert shape(parsed.data) == shape(yaml.load(source, Loader=base)), (name, source)


ODD_YAML = [
    "a: 1\nb: [1, 2.5, yes, ~, '', .inf, -.nan, 0x1F, 0o17, 1_000]\nc: {x: y}\n",
    "a: &x [1]\nb: *x\nc: &y {k: *x}\nd: [*y, *y]\n",
    "a: &s text\nb: *s\n",
    "<<: {a: 1}\nb: 2\n",
    "x: &m {a: 1}\ny: {<<: *m, b: 2}\n",
    "=: 1\n",
    "1: a\ntrue: b\n1.0: c\n~: d\n",
    "? !!float 1\n: 2\n",
    "!!timestamp 2020-01-01: x\n",
    "a: !!str 12\nb: !!int '7'\nc: !!null ''\nd: !!bool yes\ne: !!float 1\n",
    "a: b\na: c\n",
    "a: |\n  text #\nb: >\n  folded\n  text\n",
]


@pytest.mark.parametrize("source", ODD_YAML)
def test_front_matter_values_are_the_ones_pyyaml_builds(source):
    assert_built_as_pyyaml_builds(source)


scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["yes", "No", "~", "null", "1", "0x1F", "1e3", ".inf", "2026-01-02", "<<", "=", "TODO-x"]
    ),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=6), st.integers()), children, max_size=4),
    ),
    max_leaves=20,
)


@given(value=documents, shared=documents, flow=st.sampled_from([None, True, False]))
def test_any_dumped_document_is_built_as_pyyaml_builds_it(value, shared, flow):
    # The same object twice: yaml.dump writes an anchor and an alias for a shared list or mapping.
    source = yaml.safe_dump({"kind": "playbook", "a": shared, "b": [shared, value]}, default_flow_style=flow)
    assert_built_as_pyyaml_builds(source)


@given(
    text=st.text(
        alphabet=st.one_of(
            st.sampled_from(
                ["\x1b", "\x07", "\u202e", "\x85", "\u2028", "\\", "T", "O", "D", " ", "\n", "#", '"', "'"]
            ),
            st.characters(codec="utf-8"),
        ),
        max_size=30,
    ),
    style=st.sampled_from([None, '"', "'", "|", ">"]),
)
def test_a_value_that_holds_a_control_character_or_a_placeholder_is_never_skipped(text, style):
    for value in (text, "TODO" + text, text + "TODO"):
        try:
            source = yaml.safe_dump(
                {"title": value, "steps": [{"do": value}]}, default_style=style, allow_unicode=True
            )
            parsed = frontmatter.parse(source)
        except (yaml.YAMLError, frontmatter.FrontMatterError):
            continue
        values = [parsed.data["title"], parsed.data["steps"][0]["do"]]
        if any(isinstance(v, str) and neutral.CONTROL_RE.search(v) for v in values):
            assert parsed.may_hold(neutral.CONTROL_RE), source
        if any(isinstance(v, str) and "TODO" in v for v in values):
            assert parsed.may_hold(placeholders._MARK_RE), source


PATH_PARTS = ["a", ".a", "templates", "templates.md", ".", "..", "a\n", "\n.a", "x.md", "", "/", "./", "é"]


@given(parts=st.lists(st.one_of(st.sampled_from(PATH_PARTS), st.text(max_size=4)), min_size=1, max_size=5))
def test_the_default_exclusions_are_read_as_pathspec_reads_them(parts):
    path = "/".join(parts)
    spec = pathspec.GitIgnoreSpec.from_lines([".*", "/templates/"])
    assert loading._excluded("")(path) == spec.match_file(path), path
    assert loading._excluded("\n")(path) == spec.match_file(path), path


def test_check_imports_no_mkdocs_markdown_or_pathspec(tmp_path):
    """`check` is a door onto the core: the site builder and its Markdown are never loaded, and pathspec
    only for a project's own ``exclude_docs``."""
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(' '.join(sorted(sys.modules)), file=sys.stderr))\n"
        "from journeysite.cli import main\n"
        "main(['check', '--format', 'json'])\n"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: Handbook\nplugins:\n  - journeysite\n", encoding="utf-8")
    (tmp_path / "docs" / "teams").mkdir(parents=True)
    (tmp_path / "docs" / "teams" / "support.md").write_text(
        "---\nkind: team\ntitle: Support\n---\n", encoding="utf-8"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert "journeysite.core.pipeline" in loaded  # the check can fail: these are the modules it ran with
    assert not {m for m in loaded if m.split(".")[0] in ("mkdocs", "markdown", "material", "pathspec")}


def tags(node: yaml.Node) -> list[Any]:
    """Every node's tag, in document order."""
    if isinstance(node, yaml.MappingNode):
        return [node.tag, *(t for k, v in node.value for t in (*tags(k), *tags(v)))]
    if isinstance(node, yaml.SequenceNode):
        return [node.tag, *(t for item in node.value for t in tags(item))]
    return [node.tag]


TIMESTAMP = "tag:yaml.org,2002:timestamp"


@given(value=documents, flow=st.sampled_from([None, True, False]), style=st.sampled_from([None, '"', "'"]))
def test_the_remembered_tags_are_the_ones_pyyaml_resolves(value, flow, style):
    """Our loaders remember the tag of each plain scalar and skip PyYAML's path-resolver calls: every
    node still gets the tag PyYAML's safe loader gives it (but a date, which stays text)."""
    source = yaml.safe_dump({"a": value, "b": [value, "x"]}, default_flow_style=flow, default_style=style)
    expected = [
        "tag:yaml.org,2002:str" if t == TIMESTAMP else t for t in tags(yaml.compose(source, yaml.SafeLoader))
    ]
    for base in LOADERS.values():
        for _ in range(2):  # the second time from what the loader remembers
            assert tags(yaml.compose(source, base)) == expected, source


BODY_PARTS = [
    "[[team:a]]",
    "[[stage:b-c]]",
    "`",
    "``",
    "```",
    "~~~",
    "~",
    "\n",
    " ",
    "x",
    "[[",
    "]]",
    ":",
    "\t",
]


@given(parts=st.lists(st.one_of(st.sampled_from(BODY_PARTS), st.text(max_size=3)), max_size=30))
def test_body_links_found_in_one_search_are_the_ones_found_line_by_line(parts):
    """A body without code is searched whole, not line by line: the links and lines are the same."""
    body = "".join(parts)
    by_line = [
        loading.BodyRef(match.group(1), match.group(2), 3 + index)
        for index, _, prose in loading._prose_lines(body)
        for match in loading.BODY_REF_RE.finditer(prose)
    ]
    assert loading.find_body_refs(body, 3) == by_line, body


PAGE_LINES = ["---", "...", "----", "--- ", "...\t", "-- -", "", " ", "x: 1", "x: ---", "\r", "\u2028"]


def spans_of_the_pattern(text: str) -> tuple[int, int, int] | None:
    match = frontmatter.FRONT_MATTER_RE.match(text)
    return (match.start(1), match.end(1), match.end()) if match else None


@given(
    lines=st.lists(st.one_of(st.sampled_from(PAGE_LINES), st.text(max_size=3)), max_size=8),
    end=st.sampled_from(["", "\n", "\n\n"]),
)
def test_the_front_matter_is_cut_where_the_mkdocs_pattern_cuts_it(lines, end):
    """The closing line is searched for, not tried at every character: the YAML and the body are the
    ones FRONT_MATTER_RE (MkDocs' pattern) gives."""
    for text in ("\n".join(lines) + end, "---\n" + "\n".join(lines) + end):
        assert frontmatter._front_matter_spans(text) == spans_of_the_pattern(text), text


_segment = st.sampled_from(["a", "b", "ab", "stages", "index.md", "a.md", "b.md", "x-y.md"])
_doc_path = st.lists(_segment, min_size=1, max_size=4).map("/".join)
_folder = st.lists(_segment, max_size=4).map("/".join)


@given(_doc_path, _folder)
def test_a_link_between_two_pages_is_the_relative_path_the_standard_library_gives(path, start):
    """Links from one page to another (``Linker.md_path``) skip ``posixpath.relpath``'s two looks at the
    current directory: for paths inside the docs folder the answer is the same."""
    assert links.relative(path, start) == posixpath.relpath(path, start or ".")
