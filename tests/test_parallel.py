"""``mkdocs build`` uses the second core (#18): a forked copy of the build converts, then renders, pages
from the last one back while MkDocs goes from the first one on (``journeysite.plugin.parallel``). The
site is the site of a build on one core (``parallel: false``), byte for byte; a page whose conversion
logs a warning is logged once, as on one core, and ``--strict`` fails on it.

Every build is a real ``mkdocs build`` process on a synthetic handbook from ``bench/gen.py``, large enough
for the copy to take part (it does not for fewer than 50 pages).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_support import build_env, mkdocs_build, tree_hashes
from test_serve_rebuild import handbook

from journeysite.plugin import parallel

pytestmark = pytest.mark.skipif(not parallel.usable(), reason="needs fork and two cores")

SECOND_CORE = re.compile(r"a second core converted (\d+) and rendered (\d+) of them")


def one_core(root: Path, tmp_path: Path, name: str = "serial") -> Path:
    """A copy of the project whose mkdocs.yml turns the second core off."""
    copy = tmp_path / name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".cache", "site"))
    config = copy / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "  - journeysite\n" in text
    config.write_text(text.replace("  - journeysite\n", "  - journeysite:\n      parallel: false\n"), "utf-8")
    return copy


def build(root: Path, env: dict[str, str], *args: str):
    result = mkdocs_build(root, *args, env=env, process=True)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("WARNING")]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A handbook whose theme prints what a page's template sees of the site (``pages``, the nav)."""
    root = handbook(tmp_path_factory.mktemp("parallel"), entities=150)
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}{{ super() }}'
        "<p>{{ pages | length }} pages, {{ nav.pages | length }} in the navigation</p>{% endblock %}\n",
        "utf-8",
    )
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n"
        ),
        "utf-8",
    )
    assert "custom_dir" in config.read_text("utf-8")
    return root


@pytest.mark.parametrize("ci", ["1", ""], ids=["no page store (CI)", "with the page store"])
def test_the_second_core_gives_the_site_one_core_gives(project, tmp_path, ci):
    env = build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI=ci)
    root = tmp_path / "two"
    shutil.copytree(project, root)
    serial = one_core(project, tmp_path)
    first = build(root, env)
    assert first.returncode == 0, first.stderr
    shared = SECOND_CORE.search(first.stderr)
    assert shared, f"the second core took no part:\n{first.stderr}"
    converted, rendered = int(shared[1]), int(shared[2])
    assert converted >= 10 and rendered >= 10, (
        first.stderr
    )  # a real share of 164 pages, even on a busy runner
    assert build(serial, env).returncode == 0
    assert "second core" not in build(serial, env).stderr
    assert "164 pages, 164 in the navigation" in (root / "site" / "journey" / "index.html").read_text("utf-8")
    site, expected = tree_hashes(root / "site"), tree_hashes(serial / "site")
    assert site.keys() == expected.keys()
    differ = sorted(path for path in site if site[path] != expected[path])
    assert not differ, f"{len(differ)} files differ from the one-core build, e.g. {differ[:5]}"
    again = build(root, env)  # and a build after it (kept pages, from the store when there is one)
    assert again.returncode == 0, again.stderr
    assert tree_hashes(root / "site") == expected


def test_a_page_that_logs_in_the_second_cores_part_is_logged_once(project, tmp_path):
    """The copy goes from the last page back, so the last pages are its: a broken link in them is
    reported once each, in the order one core reports it, and ``--strict`` fails as on one core."""
    root = tmp_path / "two"
    shutil.copytree(project, root)
    docs = root / "docs"
    broken = sorted((docs / "playbooks").glob("*.md"))[-3:]  # the last pages MkDocs converts but ours
    for page in broken:
        page.write_text(page.read_text("utf-8") + "\nSee [the old notes](no-such-page.md).\n", "utf-8")
    serial = one_core(root, tmp_path)
    env = build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI="1")
    two, one = build(root, env), build(serial, env)
    assert two.returncode == one.returncode == 0
    assert SECOND_CORE.search(two.stderr), two.stderr
    logged = warnings(two.stderr)
    assert logged == warnings(one.stderr)
    for page in broken:
        assert sum(page.name in line and "no-such-page.md" in line for line in logged) == 1, logged
    strict = build(root, env, "--strict")
    assert strict.returncode == 1
    assert "Aborted with 3 warnings in strict mode" in strict.stdout + strict.stderr, strict.stderr
    assert tree_hashes(root / "site") == tree_hashes(serial / "site")


def test_a_small_handbook_is_built_on_one_core(tmp_path):
    root = handbook(tmp_path, entities=30)  # 44 pages
    result = build(root, build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI="1"))
    assert result.returncode == 0, result.stderr
    assert "second core" not in result.stderr


def test_rebuilds_in_one_process_give_the_one_core_site(project, tmp_path, monkeypatch):
    """``mkdocs serve --clean`` keeps the plugin across rebuilds as ``build``, with no page store in CI:
    each rebuild after an edit is still the one-core site of the same files."""
    from mkdocs.commands.build import build as mkdocs_build_site
    from mkdocs.config import load_config

    root = tmp_path / "two"
    shutil.copytree(project, root)
    for name, value in build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI="1").items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    plugins = None
    playbook = sorted((root / "docs" / "playbooks").glob("*.md"))[-1]  # in the second core's part
    for edit in range(3):
        if edit:
            playbook.write_text(playbook.read_text("utf-8") + f"\nEdit number {edit}.\n", "utf-8")
        config = load_config(config_file=str(root / "mkdocs.yml"))
        if plugins is None:
            plugins = config.plugins
            plugins.on_startup(command="build", dirty=False)
        config.plugins = plugins
        mkdocs_build_site(config)
        serial = one_core(root, tmp_path, f"serial-{edit}")
        assert build(serial, build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI="1")).returncode == 0
        assert tree_hashes(root / "site") == tree_hashes(serial / "site"), f"rebuild {edit}"
    assert plugins is not None
    plugins.on_shutdown()


def test_with_a_plugin_journeysite_does_not_know_it_builds_on_one_core(tmp_path):
    """A hook could keep state of its own per page, which a copy of the build would lose: one core,
    and every generated page's text is there for the hook from the start, as without journeysite's
    second core."""
    root = handbook(tmp_path, entities=150)
    (root / "hook.py").write_text(
        "def on_nav(nav, config, files):\n"
        "    text = files.get_file_from_path('journey/timeline.md').content_string\n"
        "    open('timeline-length.txt', 'w').write(str(len(text)))\n",
        "utf-8",
    )
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "hooks:\n  - hook.py\n", "utf-8")
    result = build(root, build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI="1"))
    assert result.returncode == 0, result.stderr
    assert "second core" not in result.stderr
    assert int((root / "timeline-length.txt").read_text()) > 10_000
