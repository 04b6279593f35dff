"""The DOT text journeysite writes itself (``journeysite.render.diagrams.dot_source``) is the text the
``graphviz`` package writes for the same calls: every diagram of the shipped handbook, of a synthetic one
and of one with hostile titles, and any text quoted either way. So the drawings (and the diagram cache's
keys) are what they were when the package wrote the DOT."""

from __future__ import annotations

import subprocess
import sys
import types
import warnings
from pathlib import Path

import graphviz
import pytest
from browser_support import write_tree
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_diagrams import HOSTILE

from journeysite.core import pipeline, relations
from journeysite.render.diagrams import dot, dot_source


def every_diagram(docs: Path) -> dict[tuple[str, str | None], str]:
    result = pipeline.run(docs)
    dot._quoted.cache_clear()
    found = dot.all_diagrams(result.handbook, relations.build(result.handbook), result.gap_entities)
    return {key: diagram.dot for key, diagram in found.items()}


def written_by_graphviz(docs: Path, monkeypatch) -> dict[tuple[str, str | None], str]:
    with monkeypatch.context() as patch:
        patch.setattr(dot, "dot_source", types.SimpleNamespace(
            Digraph=lambda name=None: graphviz.Digraph(name=name), literal=graphviz.escape))
        try:
            return every_diagram(docs)
        finally:  # (no text quoted the package's way is left for later diagrams, even when this fails)
            dot._quoted.cache_clear()


def synthetic(tmp_path: Path) -> Path:
    root = tmp_path / "synthetic"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen.py"), "120", str(root)], check=True,
                   capture_output=True)
    return root / "docs"


def hostile(tmp_path: Path) -> Path:
    write_tree(tmp_path / "hostile", HOSTILE)
    return tmp_path / "hostile"


@pytest.mark.parametrize("handbook", ["shipped", "synthetic", "hostile"])
def test_every_diagram_is_the_dot_text_the_graphviz_package_writes(handbook, tmp_path, monkeypatch):
    docs = {"shipped": lambda: ROOT / "content", "synthetic": lambda: synthetic(tmp_path),
            "hostile": lambda: hostile(tmp_path)}[handbook]()
    ours = every_diagram(docs)
    theirs = written_by_graphviz(docs, monkeypatch)
    assert len(ours) >= 3  # (the whole journey, a stage, a team at least)
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == theirs[key], key


texts = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", "node", "Graph", "strict", "-4.2", ".5", "4.", "a_1", "1a", "<b>x</b>", "<", "a\\", 'a\\"b', '"',
     '\\\\"', "a:b", "a:b:n", "x y"])


@given(texts)
def test_any_text_is_quoted_as_the_graphviz_package_quotes_it(text):
    with warnings.catch_warnings():  # (the package warns of a quoted text ending in one backslash)
        warnings.simplefilter("ignore")
        assert dot_source.quote(text) == graphviz.quoting.quote(text)
        assert dot_source.quote(dot_source.literal(text)) == graphviz.quoting.quote(graphviz.escape(text))
        assert dot_source._endpoint(text) == graphviz.quoting.quote_edge(text)


def test_a_label_between_angle_brackets_is_html_like_unless_it_is_literal_text():
    assert dot_source.quote("<<b>Kickoff</b>>") == "<<b>Kickoff</b>>"
    assert dot_source.quote(dot_source.literal("<b>Kickoff</b>")) == '"<b>Kickoff</b>"'
    assert dot_source.quote("<b>Kickoff</b>") == "<b>Kickoff</b>"  # (cached apart from the literal one)
