"""``journeysite check`` and ``mkdocs build`` keep the front matter they parsed for the next run
(``core.reading.parse_cache``): the next run reports exactly what a run without it reports, sees every
edit, and reads back only what this user's runs signed — never a file a pull request committed.

Each test runs the real command line on a handbook from ``bench/gen.py`` in ``tmp_path``, with its own key
folder (``XDG_CACHE_HOME``) and ``CI`` unset, as on a person's machine.
"""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, invoke_cli

CACHE = Path(".cache") / "plugin" / "journeysite" / "front-matter.parsed"


def handbook(tmp_path: Path, entities: int = 40) -> Path:
    root = tmp_path / "handbook"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen.py"), str(entities), str(root)], check=True,
                   capture_output=True)
    return root


def check(root: Path, tmp_path: Path, ci: str = "") -> tuple[int, dict]:
    env = {"XDG_CACHE_HOME": str(tmp_path / "keys"), "CI": ci}
    run = invoke_cli(root, "check", "--format", "json", env=env)
    return run.exit_code, json.loads(run.stdout)


def test_a_second_check_reports_what_a_check_without_the_cache_reports(tmp_path):
    root = handbook(tmp_path)
    page = next((root / "docs" / "playbooks").glob("*.md"))
    # A warning with a line and a repeated key, so that lines and duplicates come from the cache too.
    text = page.read_text("utf-8").replace("\ntitle:", "\nsummary: first\nsummary: again\ntitle:", 1)
    page.write_text(text, "utf-8")
    first = check(root, tmp_path)
    assert (root / CACHE).is_file()
    second = check(root, tmp_path)
    without = check(root, tmp_path, ci="true")
    assert first == second == without
    assert any(d["file"].endswith(page.name) and d["line"] > 1 for d in first[1]["diagnostics"]), first


def test_an_edit_after_a_check_is_seen(tmp_path):
    root = handbook(tmp_path)
    check(root, tmp_path)
    page = next((root / "docs" / "playbooks").glob("*.md"))
    text = page.read_text("utf-8")
    page.write_text(text.replace("\nowner: ", "\nowner: nobody-at-all\nformer_owner: ", 1), "utf-8")
    status, data = check(root, tmp_path)
    assert status == 1 and any("nobody-at-all" in d["message"] for d in data["diagnostics"]), data
    assert (status, data) == check(root, tmp_path, ci="true")


def test_a_cache_from_elsewhere_is_ignored_and_replaced(tmp_path):
    root = handbook(tmp_path)
    expected = check(root, tmp_path, ci="true")
    # A pull request commits a cache whose entries say every page has no fields, signed with a key that
    # is not this user's (the only kind a pull request can make).
    cache = root / CACHE
    cache.parent.mkdir(parents=True)
    payload = marshal.dumps({b"x" * 20: ({}, {}, [], [])})
    cache.write_bytes(b"0" * 64 + b"\n" + payload)
    assert check(root, tmp_path) == expected
    assert cache.read_bytes() != b"0" * 64 + b"\n" + payload  # this run's own, signed, in its place
    # Its own file, altered by a byte: ignored too.
    data = bytearray(cache.read_bytes())
    data[-5] ^= 1
    cache.write_bytes(bytes(data))
    assert check(root, tmp_path) == expected


def test_no_cache_in_ci_or_through_a_link(tmp_path):
    root = handbook(tmp_path)
    check(root, tmp_path, ci="true")
    assert not (root / ".cache").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".cache").symlink_to(elsewhere, target_is_directory=True)
    check(root, tmp_path)
    assert not any(elsewhere.rglob("*"))  # nothing written through the link


def test_mkdocs_build_keeps_what_it_parsed_and_check_uses_it(tmp_path):
    from browser_support import build_env, mkdocs_build

    root = handbook(tmp_path)
    env = build_env(XDG_CACHE_HOME=str(tmp_path / "keys"), CI="")
    assert mkdocs_build(root, env=env).returncode == 0
    cache = root / CACHE
    written = cache.stat().st_mtime_ns
    assert check(root, tmp_path) == check(root, tmp_path, ci="true")
    assert cache.stat().st_mtime_ns == written  # every page's front matter was there: not written again


def test_a_cache_file_that_is_a_link_is_neither_read_nor_written_through(tmp_path):
    root = handbook(tmp_path)
    target = tmp_path / "target"
    target.write_bytes(b"someone else's file")
    target.chmod(0o6777)
    (root / CACHE).parent.mkdir(parents=True)
    (root / CACHE).symlink_to(target)
    assert check(root, tmp_path) == check(root, tmp_path, ci="true")
    assert target.read_bytes() == b"someone else's file"
    written = root / CACHE  # its own file now, not the link's target's mode: no setuid, setgid, world write
    assert not written.is_symlink() and written.stat().st_mode & 0o7002 == 0


def test_a_page_that_would_swell_the_cache_is_left_out_of_it(tmp_path):
    """Deep nesting makes the line index grow much faster than the YAML: such a page is parsed each run,
    the others are still kept, and a run with nothing changed writes nothing."""
    root = handbook(tmp_path)
    deep = "".join(f"{'  ' * i}level{i}:\n" for i in range(40)) + "".join(
        f"{'  ' * 40}- item {n}\n" for n in range(6000))
    page = root / "docs" / "notes.md"
    page.write_text(f"---\n{deep}---\n\n# Notes\n", "utf-8")
    first = check(root, tmp_path)
    size, written = (root / CACHE).stat().st_size, (root / CACHE).stat().st_mtime_ns
    assert size < 2 * 1024 * 1024, size
    assert check(root, tmp_path) == first == check(root, tmp_path, ci="true")
    assert (root / CACHE).stat().st_mtime_ns == written


def test_pages_met_their_schema_last_run_are_validated_again_when_it_changes(tmp_path, monkeypatch):
    """The cache remembers which pages met their kind's schema, so an unchanged page is not validated
    again; a page that did not is reported every run, and a changed schema validates every page anew."""
    from journeysite.core import schema
    from journeysite.core.reading import frontmatter

    root = handbook(tmp_path)
    page = next((root / "docs" / "playbooks").glob("*.md"))
    page.write_text(page.read_text("utf-8").replace("\ntype: ", "\ntype: sometimes\nformer_type: ", 1), "utf-8")
    schemas = tmp_path / "schema"
    schemas.mkdir()
    for shipped in schema.schema_dir().glob("*.json"):
        (schemas / shipped.name).write_bytes(shipped.read_bytes())
    # (read once per process, as are the pages' front matter: the schema changes between runs here)
    caches = (schema.raw, schema._validator, schema._registry, frontmatter.parse_once)
    monkeypatch.setattr(schema, "schema_dir", lambda: schemas)
    for cached in caches:
        cached.cache_clear()
    try:
        first = check(root, tmp_path)
        assert first[0] == 1 and any("sometimes" in d["message"] for d in first[1]["diagnostics"]), first
        assert check(root, tmp_path) == first == check(root, tmp_path, ci="true")
        # Summaries may now be 5 characters long at most: every playbook breaks the schema.
        common = json.loads((schemas / "common.json").read_text("utf-8"))
        common["$defs"]["summary"]["maxLength"] = 5
        (schemas / "common.json").write_text(json.dumps(common), "utf-8")
        for cached in caches:
            cached.cache_clear()
        status, data = check(root, tmp_path)
        too_long = {d["file"] for d in data["diagnostics"] if d["code"] == "schema" and "summary" in d["message"]}
        assert len(too_long) > 10, data
        assert (status, data) == check(root, tmp_path, ci="true")
    finally:
        for cached in caches:
            cached.cache_clear()
