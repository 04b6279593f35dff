"""The layout shows the architecture, and the imports keep to it.

``journeysite/core`` (reading, schema, model, analysis) imports nothing of MkDocs, the renderers or the
doors; ``journeysite/render`` (site plan, pages, diagrams) imports no door and no MkDocs; the two doors,
``journeysite/plugin`` and ``journeysite/cli``, do not import each other. Read from the source with
``ast``, every import (at the top of a module or inside a function) counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "journeysite"
FORBIDDEN = {
    "core": ("mkdocs", "material", "properdocs", "journeysite.render", "journeysite.plugin", "journeysite.cli"),
    "render": ("mkdocs", "material", "properdocs", "journeysite.plugin", "journeysite.cli"),
    "plugin": ("journeysite.cli",),
    "cli": ("mkdocs", "material", "properdocs", "journeysite.plugin"),
}


def imports_of(path: Path) -> set[str]:
    """Every module a source file imports, as an absolute dotted name."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(ROOT).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer):
    assert modules(layer), f"journeysite/{layer} has no modules"
    breaches = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(layer)
        for name in sorted(imports_of(path))
        if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[layer])
    ]
    assert breaches == []


def test_the_reader_sees_imports_as_they_are():
    """The check can fail: the plugin imports MkDocs and the core, the command line the core."""
    assert "mkdocs.plugins" in imports_of(PACKAGE / "plugin" / "__init__.py")
    assert any(n.startswith("journeysite.core") for n in imports_of(PACKAGE / "cli" / "__init__.py"))


def test_no_module_is_left_at_the_top_of_the_package():
    """Everything lives in a layer; the top holds only the package's own entry points."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]
