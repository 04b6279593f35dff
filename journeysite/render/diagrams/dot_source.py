"""DOT source text, written line by line: the few statements journeysite's diagrams use (graph, node and
edge defaults; nodes; edges; subgraphs), with the DOT language's quoting.

The text is the one the ``graphviz`` package writes for the same calls (``tests/test_dot_source.py``
holds the two side by side), at a fraction of its cost: that package checks every argument of every
call, and a handbook's diagrams make tens of thousands of calls before ``dot`` can start (measured: a
quarter of a second of a 300-page build, before any page could be converted).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager

# An ID dot takes as written: a name or a number; any other text is quoted (DOT language, "ID").
_PLAIN_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
_HTML_LIKE = re.compile(r"<.*>$", re.DOTALL)  # an HTML-like label: "<" ... ">", written unquoted
# A double quote, with any backslash just before it beyond escaped pairs (\" counts as "): one \" each.
_QUOTE = re.compile(r'((?:\\\\)*)\\?"')


class Literal(str):
    """Text dot shows as written: never read as an HTML-like label, even between ``<`` and ``>``."""

    __slots__ = ()


def literal(text: str) -> Literal:
    """``text`` for an attribute of type escString: its backslashes are literal (``\\N`` stays ``\\N``)."""
    return Literal(text.replace("\\", "\\\\"))


@functools.lru_cache(maxsize=65536, typed=True)  # (typed: a Literal and the same str quote differently)
def quote(value: str) -> str:
    """``value`` as a DOT ID: unchanged when it is a plain name or number, or an HTML-like label (not a
    ``Literal``); else in double quotes, its own double quotes escaped."""
    if _HTML_LIKE.match(value) and not isinstance(value, Literal):
        return value
    if _PLAIN_ID.match(value) and value.lower() not in _KEYWORDS:
        return value
    return '"' + _QUOTE.sub(r'\1\\"', value) + '"'


def _endpoint(name: str) -> str:
    """A node of an edge statement: ``node``, ``node:port`` or ``node:port:compass``, each part quoted."""
    node, _, rest = name.partition(":")
    if not rest:
        return quote(node)
    port, _, compass = rest.partition(":")
    return ":".join([quote(node), quote(port), *([compass] if compass else [])])


def _attributes(label: str | None, attrs: dict[str, str | None]) -> str:
    """``label=… a=… b=…``: the label first, then the others sorted by name; None leaves one out."""
    parts = [f"label={quote(label)}"] if label is not None else []
    parts += [f"{quote(k)}={quote(v)}" for k, v in sorted(attrs.items()) if v is not None]
    return " ".join(parts)


def _bracketed(label: str | None, attrs: dict[str, str | None]) -> str:
    text = _attributes(label, attrs)
    return f" [{text}]" if text else ""


class Digraph:
    """A directed graph (or a subgraph of one) as the lines of its DOT source."""

    def __init__(self, name: str | None = None, *, subgraph: bool = False) -> None:
        self.name = name
        self._subgraph = subgraph
        self.body: list[str] = []

    def attr(self, kw: str | None = None, **attrs: str | None) -> None:
        """Defaults for what follows (``kw``: graph, node or edge); with no ``kw``, attributes of this
        graph itself (``rank=same``)."""
        if not attrs:
            return
        if kw is None:
            self.body.append(f"\t{_attributes(None, attrs)}\n")
        else:
            self.body.append(f"\t{kw}{_bracketed(None, attrs)}\n")

    def node(self, name: str, label: str | None = None, **attrs: str | None) -> None:
        self.body.append(f"\t{quote(name)}{_bracketed(label, attrs)}\n")

    def edge(self, tail: str, head: str, label: str | None = None, **attrs: str | None) -> None:
        self.body.append(f"\t{_endpoint(tail)} -> {_endpoint(head)}{_bracketed(label, attrs)}\n")

    @contextmanager
    def subgraph(self, name: str | None = None) -> Iterator[Digraph]:
        """A subgraph (a cluster when its name starts with ``cluster``), added when the block ends."""
        inner = Digraph(name, subgraph=True)
        yield inner
        self.body += [f"\t{line}" for line in inner.lines()]

    def lines(self) -> Iterator[str]:
        named = f"{quote(self.name)} " if self.name else ""
        yield (f"subgraph {named}{{\n" if named else "{\n") if self._subgraph else f"digraph {named}{{\n"
        yield from self.body
        yield "}\n"

    @property
    def source(self) -> str:
        return "".join(self.lines())
