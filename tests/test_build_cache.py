"""``mkdocs build`` keeps the pages that cannot have changed from the build before it, on disk under
``.cache/plugin/journeysite/pages/`` (#18), and the site is still the site a clean build gives, byte for
byte. The cache is part of the project, so untrusted: each entry is signed under a key of this user kept
outside the project (``$XDG_CACHE_HOME/journeysite/key``), and an entry that fails the check is absent.

Every build here is a real ``mkdocs build`` process of its own (the stash's token differs per process,
as it does between two real builds) on a synthetic handbook from ``bench/gen.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from browser_support import build_env, mkdocs_build, tree_hashes
from test_serve_rebuild import REBUILT, edit, handbook, page_of_kind

from journeysite.render.page_store import FORMAT, SEARCH, SITE

PAGES = Path(".cache") / "plugin" / "journeysite" / "pages"
TAMPERED = "Tampered text from a crafted cache entry"
RECORD = re.compile(rb"([0-9a-f]{40}\.page) ([0-9a-f]{64}) ([0-9]+)\n")


def records(root: Path) -> dict[str, tuple[Path, int, bytes, bytes]]:
    """The store's entries, read as the packs lay them out (a record's line: its name, its signature, its
    size; then the entry), by name, the last pack's record of a name winning: (pack, where the record
    starts, its signature, the entry)."""
    found = {}
    for pack in sorted((root / PAGES).glob("*.pack")):
        data, at = pack.read_bytes(), 0
        while at < len(data):
            match = RECORD.match(data, at)
            assert match, f"{pack.name} has a record that does not parse at {at}"
            size, start = int(match.group(3)), match.end()
            found[match.group(1).decode()] = (pack, at, match.group(2), data[start : start + size])
            at = start + size
    return found


def rewrite_record(root: Path, name: str, mac: bytes, entry: bytes) -> None:
    """Put ``entry`` with the signature ``mac`` in place of the record ``name``."""
    pack, at, _, old = records(root)[name]
    data = pack.read_bytes()
    end = data.index(b"\n", at) + 1 + len(old)
    line = b"%s %s %d\n" % (name.encode(), mac, len(entry))
    pack.write_bytes(data[:at] + line + entry + data[end:])


def signed(key: bytes, name: str, entry: bytes) -> bytes:
    return hmac.new(key, FORMAT.encode() + b"\0" + name.encode() + b"\0" + entry, hashlib.sha256).hexdigest().encode()


def build(root: Path, env: dict[str, str], *args: str) -> tuple[int, int] | None:
    """A ``mkdocs build`` of ``root``: (pages rebuilt, pages) as it logged them (None: it kept nothing)."""
    result = mkdocs_build(root, *args, env=env, process=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    found = REBUILT.findall(result.stderr)
    assert len(found) <= 1, result.stderr
    return (int(found[0][0]), int(found[0][1])) if found else None


def kept_nothing(found: tuple[int, int] | None) -> bool:
    """Whether a build rebuilt every page (with no page store it logs no count, or, when the second core
    took part, that it rebuilt them all)."""
    return found is None or found[0] == found[1]


def clean_build(root: Path, tmp_path: Path) -> dict[str, str]:
    """The site of a build of the same files without any cache (nor a key), on one core, by file."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".cache", "site"))
    config = clean / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("  - journeysite\n", "  - journeysite:\n      parallel: false\n"))
    no_key = tmp_path / "no-key"
    no_key.write_text("a file, so no key can be made under it\n")
    assert build(clean, build_env(XDG_CACHE_HOME=str(no_key), HOME=str(no_key))) is None
    assert not (clean / PAGES).exists()
    return tree_hashes(clean / "site")


def with_diagrams(site: Path) -> int:
    """How many pages show a diagram (kept too: each entry says which drawing its figures show)."""
    return sum('class="jsite-diagram"' in p.read_text("utf-8") for p in site.rglob("*.html"))


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = handbook(tmp_path)
    return root, build_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CI="")  # (CI: no store, tested below)


def test_building_twice_keeps_every_page_and_gives_the_same_site(project, tmp_path):
    root, env = project
    rebuilt, total = build(root, env) or (None, None)
    assert rebuilt == total and total > 60
    first = tree_hashes(root / "site")
    key = tmp_path / "xdg" / "journeysite" / "key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    packs = {p.name: p.read_bytes() for p in (root / PAGES).glob("*.pack")}
    assert 0 < with_diagrams(root / "site") < 20 and len(records(root)) == total, "pages with a diagram too"
    assert 1 <= len(packs) <= 2, "a pack of entries per process of the build (the second core's too)"

    earlier = root / PAGES / f"{'0' * 40}.page"  # (an entry of an earlier version: a file per page)
    earlier.write_bytes(b"an entry of an earlier version")
    assert build(root, env) == (0, total), "the second build renders no page again"
    assert not earlier.exists(), "the files of an earlier version's store are deleted"
    assert tree_hashes(root / "site") == first
    assert first == clean_build(root, tmp_path)
    assert {p.name: p.read_bytes() for p in (root / PAGES).glob("*.pack")} == packs, "nothing written again"


def test_a_build_into_another_folder_keeps_the_pages_too(project, tmp_path):
    root, env = project
    build(root, env)
    rebuilt, total = build(root, env, "--site-dir", str(tmp_path / "elsewhere")) or (None, None)
    assert rebuilt == 0, "where the site is written is no part of a page"
    assert tree_hashes(tmp_path / "elsewhere") == clean_build(root, tmp_path)


def test_the_same_python_reached_another_way_keeps_the_pages(project):
    """``mkdocs build`` after ``../.venv/bin/python -m mkdocs build`` from a sub-folder: one interpreter."""
    import subprocess
    import sys

    root, env = project
    build(root, env)
    python = Path(sys.executable)
    roundabout = Path(os.path.relpath(python.parent, root / "docs")) / python.name  # (`../../…/bin/python`)
    again = subprocess.run([str(roundabout), "-m", "mkdocs", "build", "-f", "../mkdocs.yml"], cwd=root / "docs",
                           capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr
    assert [int(n) for n in REBUILT.findall(again.stderr)[0]][0] == 0, again.stderr


def test_an_edit_between_builds_gives_the_site_of_a_clean_build(project, tmp_path):
    root, env = project
    build(root, env)
    docs = root / "docs"
    edit(page_of_kind(docs, "playbook"), "body", 1)
    edit(page_of_kind(docs, "team"), "front matter", 1)
    rebuilt, total = build(root, env) or (None, None)
    assert rebuilt is not None and total is not None and 0 < rebuilt < total
    assert tree_hashes(root / "site") == clean_build(root, tmp_path)
    assert len(records(root)) == total
    kept = sum(len(entry) for _, _, _, entry in records(root).values())
    assert sum(p.stat().st_size for p in (root / PAGES).glob("*.pack")) < 1.5 * kept + 4096 * total, (
        "the records the edit replaced take no more than a third of the store"
    )

    edit(page_of_kind(docs, "stage"), "title", 2)  # a new navigation: every page rendered again
    (docs / "notes.md").write_text("# Notes\n\nA page of its own.\n", "utf-8")
    assert build(root, env) == (total + 1, total + 1)
    assert tree_hashes(root / "site") == clean_build(root, tmp_path)

    (docs / "notes.md").unlink()
    assert build(root, env) == (total, total)
    assert len(records(root)) == total, "the deleted page's entry is gone"


def test_a_store_mostly_replaced_is_compacted_and_still_keeps_every_page(project, tmp_path):
    """When most records of the packs are ones the build did not keep (every page people wrote but one edited), the kept
    records are copied into one new pack and the others deleted: the store holds each page once, and the
    next build keeps every page from it."""
    root, env = project
    _, total = build(root, env) or (None, None)
    before = {p.name for p in (root / PAGES).glob("*.pack")}
    pages = sorted((root / "docs").rglob("*.md"))
    for path in pages[1:]:
        edit(path, "body", 1)
    rebuilt, total = build(root, env) or (None, None)
    assert total is not None and rebuilt is not None and rebuilt >= len(pages) // 2
    packs = {p.name for p in (root / PAGES).glob("*.pack")}
    assert not packs & before, "the packs the build replaced most of are gone"
    stored = records(root)
    assert len(stored) == total
    written = sum(p.stat().st_size for p in (root / PAGES).glob("*.pack"))
    assert written < sum(len(entry) for _, _, _, entry in stored.values()) + 200 * total, "each page once"
    assert build(root, env) == (0, total)
    assert tree_hashes(root / "site") == clean_build(root, tmp_path)


def test_a_body_edit_keeps_the_generated_pages_and_every_other_page(project, tmp_path):
    """A body edit changes no front matter, so the model is the last build's: the generated pages come
    from the store, every other page is kept without journeysite rendering its sections again."""
    root, env = project
    build(root, env)
    edit(page_of_kind(root / "docs", "playbook"), "body", 1)
    rebuilt, total = build(root, env) or (None, None)
    assert rebuilt == 1, "the edited page alone"
    assert tree_hashes(root / "site") == clean_build(root, tmp_path)
    assert any("A paragraph added in edit 1." in p.read_text("utf-8") for p in (root / "site").rglob("*.html"))


def test_a_kept_figure_shows_the_drawing_the_diagram_cache_has_now(project):
    """A kept page's figure holds the SVG of the build that made it, which its fingerprint does not: when
    the diagram cache holds another drawing of that diagram (another Graphviz drew it), the pages that
    show it are built again with the new drawing, and no other page."""
    root, env = project
    build(root, env)
    cache = root / ".cache" / "plugin" / "journeysite"
    drawing = sorted(cache.glob("*.svg"))[0]
    marker = "Drawn again by another Graphviz"
    drawing.write_text(drawing.read_text("utf-8").replace("</svg>", f"<text>{marker}</text></svg>"), "utf-8")
    rebuilt, total = build(root, env) or (None, None)
    showing = [p for p in (root / "site").rglob("*.html") if marker in p.read_text("utf-8")]
    assert showing, "the new drawing is shown"
    assert rebuilt == len(showing), "the pages that show that diagram, and only they, are built again"
    assert build(root, env) == (0, total), "then they are kept, with the new drawing"
    assert [p for p in (root / "site").rglob("*.html") if marker in p.read_text("utf-8")] == showing


@pytest.mark.parametrize("how", ["text changed, signature kept", "signed with another key", "signed with the key"])
def test_a_tampered_generated_site_is_not_used(project, tmp_path, how):
    """The generated pages are taken from the store (a forgery signed with this user's key would show),
    and only when signed with that key."""
    root, env = project
    build(root, env)
    stored = root / PAGES / SITE
    mac, _, payload = stored.read_bytes().partition(b"\n")
    header, _, body = payload.partition(b"\n")
    data = json.loads(header)
    at, insert = body.index(b"\ntitle: ") + len(b"\ntitle: "), f"{TAMPERED} ".encode()
    start = 0
    for entry in data["sizes"]:  # [src_uri, bytes] of each file, in order
        if start <= at < start + entry[1]:
            entry[1] += len(insert)
            break
        start += entry[1]
    forged = json.dumps(data).encode() + b"\n" + body[:at] + insert + body[at:]
    if how != "text changed, signature kept":
        key = bytes(32) if how == "signed with another key" else (tmp_path / "xdg" / "journeysite" / "key").read_bytes()
        message = FORMAT.encode() + b"\0" + SITE.encode() + b"\0" + forged
        mac = hmac.new(key, message, hashlib.sha256).hexdigest().encode()
    stored.write_bytes(mac + b"\n" + forged)
    build(root, env)
    shown = any(TAMPERED in p.read_text("utf-8", "replace") for p in (root / "site").rglob("*.html"))
    if how == "signed with the key":
        assert shown, "the store's generated pages are used"
    else:
        assert not shown
        assert tree_hashes(root / "site") == clean_build(root, tmp_path)


@pytest.mark.parametrize("how", ["html changed, signature kept", "signed with another key",
                                 "another page's entry", "not an entry", "a link to a pack",
                                 "a hard link to another file"])
def test_a_tampered_entry_is_not_used(project, tmp_path, how):
    root, env = project
    rebuilt, total = build(root, env) or (None, None)
    stored = records(root)
    victim, other = sorted(stored)[0], sorted(stored)[1]
    pack, _, mac, entry = stored[victim]
    in_pack = sum(1 for p, _, _, _ in stored.values() if p == pack)  # (a link: the whole pack is not read)
    forged = entry.replace(b"<article", f"<article><p>{TAMPERED}</p".encode(), 1)
    if how == "html changed, signature kept":
        assert forged != entry
        rewrite_record(root, victim, mac, forged)
    elif how == "signed with another key":
        rewrite_record(root, victim, signed(bytes(32), victim, forged), forged)
    elif how == "another page's entry":  # (its own signature, under the victim's name)
        rewrite_record(root, victim, stored[other][2], stored[other][3])
    elif how == "not an entry":
        garbage = b"\xff\xfe" + os.urandom(64) + b"\n{not json"
        key = (tmp_path / "xdg" / "journeysite" / "key").read_bytes()  # (signed: its text is what fails)
        rewrite_record(root, victim, signed(key, victim, garbage), garbage)
    elif how == "a link to a pack":
        outside = tmp_path / "outside.pack"
        shutil.copyfile(pack, outside)
        pack.unlink()
        pack.symlink_to(outside)
    else:  # (packs are never written into once made: nor is a file that has another name)
        outside = tmp_path / "outside.pack"
        outside.write_bytes(b"")
        pack.unlink()
        os.link(outside, pack)
    held = outside.read_bytes() if how.startswith("a ") else None
    expected = in_pack if how.startswith("a ") else 1
    assert build(root, env) == (expected, total), "the pages of the bad entries are built again, not the others"
    site = tree_hashes(root / "site")
    assert site == clean_build(root, tmp_path)
    for file in (root / "site").rglob("*"):
        if file.is_file() and file.suffix in {".html", ".json"}:
            assert TAMPERED not in file.read_text("utf-8", "replace"), file
    assert not pack.is_symlink(), "a link is not kept in the store"
    if held is not None:
        assert outside.read_bytes() == held, "what a link pointed to is never written"
        assert not pack.exists() or not pack.samefile(outside)
    assert len(records(root)) == total and build(root, env) == (0, total), "every entry is good again"


def test_a_build_without_a_readable_key_keeps_nothing_on_disk(tmp_path):
    root = handbook(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n")
    wrong_mode = tmp_path / "xdg-readable"
    (wrong_mode / "journeysite").mkdir(parents=True)
    (wrong_mode / "journeysite" / "key").write_bytes(bytes(32))
    (wrong_mode / "journeysite" / "key").chmod(0o644)  # readable by others: not a secret
    for env in (
        build_env(XDG_CACHE_HOME=str(blocked), HOME=str(blocked)),
        build_env(XDG_CACHE_HOME=str(wrong_mode)),
        build_env(XDG_CACHE_HOME=str(root / ".cache")),  # inside the project: a pull request could commit it
    ):
        for _ in range(2):
            assert kept_nothing(build(root, env))
            assert not (root / PAGES).exists()
        assert tree_hashes(root / "site") == clean_build(root, tmp_path)
    assert (wrong_mode / "journeysite" / "key").read_bytes() == bytes(32), "a key is never replaced"
    assert not (root / ".cache" / "journeysite").exists()


@pytest.mark.parametrize("ci", ["true", "1"])
def test_in_ci_nothing_is_stored(project, ci):
    """A CI run starts on a fresh machine with a new key: a store could never be used, so none is kept."""
    root, env = project
    assert kept_nothing(build(root, {**env, "CI": ci})), "no page kept"
    assert not (root / PAGES).exists()


@pytest.mark.parametrize("how", ["text changed, signature kept", "signed with another key", "signed with the key"])
def test_tampered_search_entries_are_not_used(project, tmp_path, how):
    """The kept pages' search entries come from the store (a forgery signed with this user's key would
    be in the index), and only when signed with that key."""
    root, env = project
    build(root, env)
    stored = root / PAGES / SEARCH
    mac, _, payload = stored.read_bytes().partition(b"\n")
    data = json.loads(payload)
    page, (_, entries) = next((src, e) for src, e in data["search"].items() if e[1])  # ([its output's key, entries])
    entries[0]["text"] = TAMPERED
    forged = json.dumps(data).encode()
    if how != "text changed, signature kept":
        key = bytes(32) if how == "signed with another key" else (tmp_path / "xdg" / "journeysite" / "key").read_bytes()
        mac = hmac.new(key, FORMAT.encode() + b"\0" + SEARCH.encode() + b"\0" + forged, hashlib.sha256).hexdigest().encode()
    stored.write_bytes(mac + b"\n" + forged)
    build(root, env)
    index = (root / "site" / "search" / "search_index.json").read_text("utf-8")
    if how == "signed with the key":
        assert TAMPERED in index, "the store's search entries are used"
    else:
        assert TAMPERED not in index
        assert tree_hashes(root / "site") == clean_build(root, tmp_path)


def _store(folder: Path):
    from journeysite.render import page_store

    return page_store.PageStore(folder, bytes(range(32)), lambda t: t, lambda t: t)


def test_the_store_read_ahead_hands_every_entry_over_within_its_budget(tmp_path, monkeypatch):
    """The thread that reads the store while the pipeline runs holds at most its budget ahead of the
    build: with a budget smaller than one entry it still hands over every entry in order, but a tampered
    one, and a failed build stops it."""
    from journeysite.render import page_store

    monkeypatch.setattr(page_store, "PREFETCH_BYTES", 10)
    store = _store(tmp_path / "pages")
    payloads = {f"{n:040x}{page_store.SUFFIX}": f"entry {n} ".encode() * 50 for n in range(30)}
    for name, payload in payloads.items():
        assert store._append(name, payload)
    store._close_pack()
    (pack,) = (tmp_path / "pages").glob("*.pack")
    pack.write_bytes(pack.read_bytes().replace(b"entry 7 ", b"entry X "))
    store = _store(tmp_path / "pages")
    store.prefetch()
    got = {name: payload for name, payload, _ in store._taken()}
    assert got == {name: p for name, p in payloads.items() if not name.endswith(f"{7:040x}.page")}

    again = _store(tmp_path / "pages")
    again.prefetch()
    again.close()
    assert again._prefetching is not None
    again._prefetching.join(5)
    assert not again._prefetching.is_alive(), "a closed read-ahead ends"


def test_a_pack_another_build_is_writing_meanwhile_is_left_alone(tmp_path):
    """Two builds of one project at once (``mkdocs serve`` running while ``mkdocs build`` runs): the
    one that ends first deletes the packs it read and kept nothing of, never the pack the other is still
    writing, which holds every entry the other writes."""
    folder = tmp_path / "pages"
    earlier = _store(folder)
    assert earlier._append(f"{1:040x}.page", b"an entry of an earlier build")
    earlier._close_pack()
    (old,) = folder.glob("*.pack")

    ours = _store(folder)
    ours.load("this build")  # reads the earlier pack (its record is no page: nothing is kept of it)
    theirs = _store(folder)
    assert theirs._append(f"{2:040x}.page", b"the other build's first entry")
    ours.finish({})
    assert not old.exists(), "the pack this build read and kept nothing of is deleted"
    assert theirs._append(f"{3:040x}.page", b"the other build's second entry")
    theirs._close_pack()
    (pack,) = folder.glob("*.pack")
    assert [name for name, *_ in theirs._walk(pack.name, read=False)] == [f"{2:040x}.page", f"{3:040x}.page"]


COMPACTING_ON_A_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from journeysite.render import page_store

folder = Path(sys.argv[1])
store = page_store.PageStore(folder, bytes(range(32)), lambda t: t, lambda t: t)
names = [f"{n:040x}.page" for n in range(4)]
for round in range(3):  # each entry written three times: two thirds of the pack are records not kept
    for name in names:
        assert store._append(name, (name * 100).encode())
store.signature, store.wanted = "this build", set(names)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file past the limit fails to grow (EFBIG)
limit = 2 * len(names[0]) * 100
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
store.finish({})
"""


def test_a_compaction_cut_short_leaves_no_partial_pack(tmp_path):
    """When copying the kept records into a new pack fails part way (here: the file size limit, as a full
    disk would), the packs stay as they were and the new one, cut short, is deleted: the next build reads
    each entry once, from where it was."""
    import subprocess
    import sys

    folder = tmp_path / "pages"
    done = subprocess.run([sys.executable, "-c", COMPACTING_ON_A_FULL_DISK, str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    packs = sorted(folder.glob("*.pack"))
    assert len(packs) == 1, [p.name for p in packs]
    walked = [name for name, *_ in _store(folder)._walk(packs[0].name, read=False)]
    assert len(walked) == 12, "the pack the build wrote, as it was"


def test_a_pack_another_build_was_already_writing_is_left_alone(tmp_path):
    """The other order: the other build had begun writing its pack before this one read the folder.
    This build reads that pack and keeps nothing of it, but the other build's lock on it keeps it."""
    folder = tmp_path / "pages"
    theirs = _store(folder)
    assert theirs._append(f"{2:040x}.page", b"the other build's first entry")
    ours = _store(folder)
    ours.load("this build")
    ours.finish({})
    assert theirs._append(f"{3:040x}.page", b"the other build's second entry")
    theirs._close_pack()
    (pack,) = folder.glob("*.pack")
    assert [name for name, *_ in theirs._walk(pack.name, read=False)] == [f"{2:040x}.page", f"{3:040x}.page"]


def test_a_pack_another_build_is_reading_is_left_for_a_later_build(tmp_path):
    """Two builds read the same pack; the first to end kept nothing of it, but the other may still take
    its entries from it: it is deleted by a build that ends when no other build holds it."""
    folder = tmp_path / "pages"
    earlier = _store(folder)
    assert earlier._append(f"{1:040x}.page", b"an entry of an earlier build")
    earlier._close_pack()
    (old,) = folder.glob("*.pack")
    first, second = _store(folder), _store(folder)
    first.load("one build")
    second.load("another build")
    first.finish({})
    assert old.exists(), "the other build still reads it"
    second.finish({})
    assert not old.exists(), "no build holds it any more"


def test_a_build_that_failed_holds_no_pack(tmp_path, monkeypatch):
    """A build that fails while it reads the store (``close``) lets go of the packs it held: the next
    build deletes them when it keeps nothing of them."""
    from journeysite.render import page_store

    monkeypatch.setattr(page_store, "PREFETCH_BYTES", 10)  # the read-ahead waits after one entry
    folder = tmp_path / "pages"
    for n in range(3):
        earlier = _store(folder)
        assert earlier._append(f"{n:040x}.page", b"an entry " * 20)
        earlier._close_pack()
    failed = _store(folder)
    failed.prefetch()
    next(failed._taken())
    failed.close()
    assert failed._prefetching is not None
    failed._prefetching.join(5)
    later = _store(folder)
    later.load("a later build")
    later.finish({})
    assert not list(folder.glob("*.pack"))
