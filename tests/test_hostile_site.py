"""Hostile input: YAML dangers, injection through every text field, and nothing lost in the docs folder.

- YAML (SPEC §3 ``yaml-syntax``): an alias bomb, very deep nesting, front matter over the size limit and
  Python tags are refused fast, in bounded memory, without running anything, through ``journeysite check``
  and a real ``mkdocs build`` (and MkDocs' own front-matter reader runs nothing either).
- Injection (SPEC §4 "Every text that comes from front matter is escaped in HTML and in DOT"): a handbook
  whose every text field of every kind holds every hostile string is built for real, and every file of the
  site is scanned: no script, no event handler, no ``javascript:``/``data:`` link or source, no raw tag from
  our text; ``journey.json`` keeps the strings as JSON text; titles read as text in the page title, the
  header, the navigation and the search index.
- Nothing lost: the build leaves the docs folder byte for byte as it was; ``new`` and ``review --mark`` write
  through a temporary file and a rename, keep line endings and permissions, leave no temporary file even
  when they refuse, and never write outside the docs folder.

test_frontmatter.py, test_validation.py, test_site.py, test_mark.py and test_new.py cover the simpler cases
(a 10⁹ alias bomb's diagnostic, 3,000 nested brackets, a repeated key, a few escaped titles, marking CRLF and
BOM pages); these tests go further.
"""

from __future__ import annotations

import html
import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest
from browser_support import (
    BUILD_DAY,
    build_env,
    config,
    mkdocs_build,
    nav_tree,
    page,
    parse_html,
    tree_hashes,
    write_handbook,
)
from conftest import invoke_cli

from journeysite.core import pipeline
from journeysite.core.reading import frontmatter

BIN = Path(sys.executable).parent
JOURNEYSITE = str(BIN / "journeysite")

# ---- YAML dangers ---------------------------------------------------------------------------------------------

TEAM = "---\nkind: team\ntitle: Customer Success\n---\n"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """"Billion laughs": each level a list of ``width`` aliases of the one before (9⁹ ≈ 387 million leaves)."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def handbook_with(tmp_path: Path, pages: dict[str, str], options: str = "") -> Path:
    """A project (mkdocs.yml with the plugin, docs/) holding the CS team and ``pages``."""
    root = tmp_path / "handbook"
    (root / "docs" / "teams").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config(options=options), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "docs" / "teams" / "cs.md").write_text(TEAM, encoding="utf-8")
    for path, text in pages.items():
        target = root / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def check_json(root: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], dict | None]:
    """``journeysite check --format json`` as a real process (a crash in C cannot take pytest down)."""
    done = subprocess.run([JOURNEYSITE, "check", "--format", "json"], cwd=root, capture_output=True, text=True,
                          timeout=timeout, env=build_env())
    try:
        return done, json.loads(done.stdout)
    except ValueError:
        return done, None


def errors_in(data: dict, file: str) -> list[dict]:
    return [d for d in data["diagnostics"] if d["severity"] == "error" and d["file"] == file]


def test_an_alias_bomb_fails_fast_in_bounded_memory():
    source = "kind: team\ntitle: Laughs\n" + alias_bomb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(frontmatter.FrontMatterError) as caught:
            frontmatter.parse(source)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2, f"refusing the alias bomb took {elapsed:.1f} s"
    assert peak < 50 * 1024 * 1024, f"refusing the alias bomb used {peak / 2**20:.0f} MB"
    assert "alias" in caught.value.message
    assert 4 <= caught.value.line <= 12  # on one of the alias lines, not somewhere else


def test_an_alias_bomb_is_one_located_error_through_check(tmp_path):
    bomb = "---\nkind: team\ntitle: Laughs\n" + alias_bomb() + "---\n\nBody.\n"
    root = handbook_with(tmp_path, {"teams/laughs.md": bomb})
    started = time.perf_counter()
    done, data = check_json(root)
    assert time.perf_counter() - started < 10
    assert done.returncode == 1, done.stderr
    assert data is not None and "Traceback" not in done.stderr
    [error] = errors_in(data, "teams/laughs.md")
    assert error["code"] == "yaml-syntax" and 4 <= error["line"] <= 12


def nested_indented_mappings(depth: int) -> str:
    """``a:`` nested ``depth`` levels by indentation (one space a level), then a value."""
    return "".join(" " * level + "a:\n" for level in range(depth)) + " " * depth + "deep\n"


NESTED_TOO_DEEP = f"the front matter is nested more than {frontmatter.MAX_DEPTH} levels deep: flatten it"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("[" * 10_000 + "]" * 10_000, NESTED_TOO_DEEP, id="10000-flow-lists"),
        pytest.param("[" * 10_000, NESTED_TOO_DEEP, id="10000-unclosed-flow-lists"),
        pytest.param("{a: " * 10_000 + "b" + "}" * 10_000, NESTED_TOO_DEEP, id="10000-flow-mappings"),
        pytest.param("\n" + "- " * 10_000 + "x", NESTED_TOO_DEEP, id="10000-compact-block-lists"),
        pytest.param("\n" + "- " * 1_500 + "x", NESTED_TOO_DEEP, id="1500-compact-block-lists"),
        pytest.param("\n" + nested_indented_mappings(700), NESTED_TOO_DEEP, id="700-indented-mappings"),
        pytest.param("\n" + nested_indented_mappings(10_000), "larger than 256 KiB", id="10000-indented-mappings"),
    ],
)
def test_very_deep_nesting_is_an_error_not_a_crash(value, message, yaml_loader):
    """Whoever refuses the nesting (our pre-scan, our indexer, libyaml's own limit, the pure-Python composer's
    recursion), the department lead reads one journeysite message, the same under either loader."""
    source = f"kind: team\ntitle: Deep\nlead: {value}\n"
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.parse(source)
    assert message in caught.value.message
    assert caught.value.line >= 2


def test_nesting_up_to_the_limit_is_read(yaml_loader):
    """The limit refuses only what is deeper than it: 48 levels (the page's own mapping is the first) read."""
    deepest = frontmatter.parse(nested_indented_mappings(frontmatter.MAX_DEPTH)).data
    for _ in range(frontmatter.MAX_DEPTH - 1):
        deepest = deepest["a"]
    assert deepest == {"a": "deep"}
    with pytest.raises(frontmatter.FrontMatterError, match="nested more than 48"):
        frontmatter.parse(nested_indented_mappings(frontmatter.MAX_DEPTH + 1))


def test_flow_nesting_deeper_than_the_c_stack_is_an_error_not_a_segfault(tmp_path):
    """A front matter under the size limit whose brackets nest deeper than libyaml's C composer can recurse
    (about 25,000 levels with an 8 MB stack) must be refused like any other deep nesting: ``check`` exits 1
    with a yaml-syntax error; it must not die of a segmentation fault."""
    depth = 100_000
    page = f"---\nkind: team\ntitle: Deep\nlead: {'[' * depth}{']' * depth}\n---\n"
    assert len(page.encode()) < frontmatter.MAX_FRONT_MATTER_BYTES
    root = handbook_with(tmp_path, {"teams/deep.md": page})
    done, data = check_json(root)
    assert done.returncode == 1, f"journeysite check exited {done.returncode} (-11 is a segfault):\n{done.stderr[-500:]}"
    assert data is not None
    [error] = errors_in(data, "teams/deep.md")
    assert (error["code"], error["line"]) == ("yaml-syntax", 4)


def test_front_matter_over_the_size_limit_is_refused_saying_so(tmp_path):
    limit = frontmatter.MAX_FRONT_MATTER_BYTES
    body = "Body text is not limited. " * 20_000  # 520 KB of body is fine
    big = f"---\nkind: team\ntitle: Big\nlead: \"{'x' * limit}\"\n---\n\n{body}"
    fine = f"---\nkind: team\ntitle: Fine\nlead: Ana\n---\n\n{body}"
    root = handbook_with(tmp_path, {"teams/big.md": big, "teams/fine.md": fine})
    done, data = check_json(root)
    assert done.returncode == 1
    [error] = errors_in(data, "teams/big.md")
    assert error["code"] == "yaml-syntax" and error["line"] == 2
    assert f"{limit // 1024} KiB" in error["message"] and "larger than" in error["message"]
    assert errors_in(data, "teams/fine.md") == []


def test_a_key_given_twice_in_a_list_item_names_both_lines(tmp_path):
    playbook = textwrap.dedent("""\
        ---
        kind: playbook
        title: Welcome
        owner: cs
        type: lifecycle
        stages: [use]
        trigger: {manual: The CSM decides}
        steps:
          - do: Call
            when: day 1
            do: Email
        ---
        """)
    stage = "---\nkind: stage\ntitle: Use\nowner: cs\norder: 1\n---\n"
    root = handbook_with(tmp_path, {"playbooks/welcome.md": playbook, "stages/use.md": stage})
    _, data = check_json(root)
    [error] = errors_in(data, "playbooks/welcome.md")
    assert (error["code"], error["line"]) == ("schema", 11)
    assert "`steps[0].do` is given twice (lines 9 and 11)" in error["message"]


PYTHON_TAGS = [
    "!!python/object/apply:os.system [\"touch {marker}\"]",
    "!!python/object/new:os.system [\"touch {marker}\"]",
    "!!python/name:os.system",
    "!!python/object/apply:subprocess.check_call [[touch, {marker}]]",
    "!!python/module:os",
]


def python_tag_pages(marker: Path) -> dict[str, str]:
    pages = {}
    for number, tag in enumerate(PYTHON_TAGS):
        value = tag.format(marker=marker)
        pages[f"teams/tag-{number}.md"] = f"---\nkind: team\ntitle: {value}\n---\n"
        pages[f"plain-{number}.md"] = f"---\ntitle: Plain\nnote: {value}\n---\n\n# Plain\n"
    return pages


def test_python_tags_never_run_through_check(tmp_path):
    marker = tmp_path / "pwned"
    pages = python_tag_pages(marker)
    root = handbook_with(tmp_path, pages)
    done, data = check_json(root)
    assert not marker.exists(), "a YAML tag ran a command"
    assert done.returncode == 1 and "Traceback" not in done.stderr
    for file in pages:
        [error] = errors_in(data, file)
        assert (error["code"], error["line"]) == ("yaml-syntax", 3), error


def test_python_tags_never_run_through_mkdocs_build(tmp_path):
    marker = tmp_path / "pwned"
    pages = python_tag_pages(marker)
    pages["teams/laughs.md"] = "---\nkind: team\ntitle: Laughs\n" + alias_bomb() + "---\n"
    root = handbook_with(tmp_path, pages)
    started = time.perf_counter()
    done = mkdocs_build(root, timeout=120)
    assert time.perf_counter() - started < 60
    assert not marker.exists(), "a YAML tag ran a command"
    log = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in log
    for file in pages:
        lines = [line for line in log.splitlines() if f" {file}:" in line]
        assert lines and all(line.endswith("[yaml-syntax]") for line in lines), (file, log)


def test_mkdocs_own_front_matter_reader_runs_no_python_tag(tmp_path):
    """MkDocs reads every page's front matter again with its own SafeLoader: nothing runs there either."""
    from mkdocs.utils import meta

    marker = tmp_path / "pwned"
    for page_text in python_tag_pages(marker).values():
        _, data = meta.get_data(page_text)
        assert isinstance(data, dict)
    assert not marker.exists()


# ---- injection ------------------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "]]><!--",
    "{{ config }}",
    "{% raw %}",
    "[x](javascript:alert(4))",
    "*emph* _u_ `code`",
    "| table |",
    "\\N \\G",
    '"] evil [label="',
    "[[stage:<b>x</b>]]",
    "[[stage:buy]]",
    "&amp; &lt;b&gt;",
]
EVIL = " ".join(HOSTILE)
# Strings that stand alone as a whole field value, where a renderer might take a value for a URL.
URL_LIKE = ["javascript:alert(3)", "data:text/html;base64,PHNjcmlwdD4="]


def evil(label: str) -> str:
    """A text for a field: a readable label, then every hostile string."""
    return f"{label} {EVIL}"


def y(value: object) -> str:
    """A value as YAML (JSON is YAML, quoted and escaped)."""
    return json.dumps(value, ensure_ascii=False)


def entity(kind: str, title: str, fields: dict[str, object], body: str = "") -> str:
    lines = [f"kind: {kind}", f"title: {y(evil(title))}", f"summary: {y(evil(title + ' summary'))}",
             f"tags: {y([evil('tag'), *URL_LIKE])}", "reviewed: 2026-10-01"]
    lines += [f"{name}: {y(value)}" for name, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


TEXTS = [evil("item"), *URL_LIKE]  # a list field: the hostile text, and each URL-like string on its own
HOSTILE_HANDBOOK: dict[str, str] = {
    "index.md": "# Home\n\nStart at [[stage:buy]], then [[stage:use]]; the team is [[team:cs]].\n",
    "mission.md": entity("mission", "Mission", {"owner": "cs", "statement": evil("statement"), "values": TEXTS}),
    "teams/cs.md": entity("team", "Customer Success", {
        "lead": evil("lead"), "contact": "javascript:alert(3)", "github": ["@acme/cs", "@dana"],
        "roles": TEXTS}, body="We own [[stage:use]].\n"),
    "teams/sales.md": entity("team", "Sales", {
        "lead": "data:text/html;base64,PHNjcmlwdD4=", "contact": evil("contact"), "github": ["@acme/sales"],
        "roles": [evil("role")]}),
    "segments/smb.md": entity("segment", "SMB", {"owner": "cs", "touch": "tech", "criteria": TEXTS,
                                                 "accounts_per_csm": 100}),
    "segments/ent.md": entity("segment", "Enterprise", {"owner": "cs", "touch": "high",
                                                        "criteria": evil("criteria")}),
    "stages/buy.md": entity("stage", "Buy", {
        "owner": "sales", "order": 1, "goal": evil("goal"), "entry": TEXTS, "exit": TEXTS,
        "duration": evil("duration"), "metrics": ["nps"], "raci": {"informed": ["cs"]}},
        body="# Buy\n\nThe first stage; then [[stage:use]] and [[milestone:signed]].\n"),
    "stages/use.md": entity("stage", "Use", {"owner": "cs", "order": 2, "goal": "javascript:alert(3)"}),
    "milestones/signed.md": entity("milestone", "Signed", {
        "owner": "sales", "stage": "buy", "order": 1, "success": TEXTS, "due": evil("due"),
        "celebrate": evil("celebrate")}),
    "milestones/live.md": entity("milestone", "Live", {
        "owner": "cs", "stage": "use", "order": 1, "success": [evil("success")], "due": "javascript:alert(3)",
        "celebrate": "data:text/html;base64,PHNjcmlwdD4="}),
    "playbooks/welcome.md": entity("playbook", "Welcome", {
        "owner": "sales", "type": "lifecycle", "stages": ["buy"], "trigger": {"signal": evil("signal")},
        "steps": [
            {"do": evil("do"), "when": evil("when"), "systems": TEXTS, "channel": "email"},
            {"do": "javascript:alert(3)", "when": "data:text/html;base64,PHNjcmlwdD4=", "owner": "cs",
             "segments": ["smb"]},
        ],
        "milestones": ["signed"], "metrics": ["nps"], "outcome": evil("outcome"), "systems": TEXTS,
        "raci": {"consulted": ["cs"]}}),
    "playbooks/adopt.md": entity("playbook", "Adopt", {
        "owner": "cs", "type": "lifecycle", "stages": ["use"], "trigger": {"manual": evil("manual")},
        "outcome": "javascript:alert(3)"}),
    "playbooks/rescue.md": entity("playbook", "Rescue", {
        "owner": "cs", "type": "risk", "stages": ["use"], "trigger": {"schedule": evil("schedule")}}),
    "playbooks/grow.md": entity("playbook", "Grow", {
        "owner": "cs", "type": "expansion", "stages": ["use"], "trigger": {"milestone": "live"},
        "status": "draft"}),
    "handoffs/sales-to-cs.md": entity("handoff", "Sales to CS", {
        "owner": "sales", "from": "sales", "to": "cs", "from_stage": "buy", "to_stage": "use",
        "artifacts": TEXTS, "sla": evil("sla")}),
    "metrics/nps.md": entity("metric", "NPS", {
        "owner": "cs", "definition": evil("definition"), "formula": evil("formula"), "target": evil("target"),
        "direction": "up"}),
    "metrics/churn.md": entity("metric", "Churn", {
        "owner": "cs", "definition": "javascript:alert(3)", "formula": "data:text/html;base64,PHNjcmlwdD4=",
        "target": "javascript:alert(3)", "direction": "down"}),
}
TITLES = {  # built page → the title its entity has
    "mission/index.html": evil("Mission"),
    "teams/cs/index.html": evil("Customer Success"),
    "stages/use/index.html": evil("Use"),
    "playbooks/welcome/index.html": evil("Welcome"),
    "metrics/nps/index.html": evil("NPS"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """The hostile handbook, built for real (with material's tags plugin, so tags are shown too)."""
    root = write_handbook(tmp_path_factory.mktemp("hostile") / "handbook", HOSTILE_HANDBOOK,
                          extra="  - tags\nsite_url: https://handbook.example.com/\n")
    before = tree_hashes(root / "docs")
    checked = subprocess.run([JOURNEYSITE, "check", "--format", "json"], cwd=root, capture_output=True, text=True,
                             timeout=60, env=build_env())
    done = mkdocs_build(root)
    return {"root": root, "site": root / "site", "before": before, "build": done, "check": checked}


def test_the_hostile_handbook_is_valid_and_builds(hostile):
    data = json.loads(hostile["check"].stdout)
    assert [d for d in data["diagnostics"] if d["severity"] == "error"] == []
    done = hostile["build"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert (hostile["site"] / "journey.json").is_file()


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".svg", ".js"))


URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcset"}


def urls_in(markup: str) -> list[str]:
    """The value of every URL attribute in ``markup``."""
    return [value for e in parse_html(markup).elements() for name, value in e.pairs if name in URL_ATTRS]


def scan_html(markup: str) -> list[str]:
    """What would run or navigate: event handlers, script text, URL attributes, raw ``<img src=x>``."""
    problems = []
    for element in parse_html(markup).elements():
        tag = element.tag
        for name, value in element.pairs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRS:
                bare = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value)).lower()
                if bare.startswith(("javascript:", "vbscript:")) or (bare.startswith("data:") and tag != "img"):
                    problems.append(f"<{tag} {name}={value!r}>")
            if tag == "img" and name == "src" and value == "x":
                problems.append(f"<img src={value!r}>")
        if tag == "script" and "alert(" in element.raw_text:
            problems.append(f"<script>{element.raw_text[:80]!r}")
    return problems


# Raw text that is markup only if our text was not escaped (escaped, it reads `&lt;script&gt;alert`).
RAW_NEEDLES = ["<script>alert", "<img src=x", 'href="javascript:', 'href="data:', 'src="data:', "<b>x</b>"]


def raw_findings(where: str, text: str) -> list[str]:
    found = []
    for needle in RAW_NEEDLES:
        for match in re.finditer(re.escape(needle), text):
            found.append(f"{where}: {text[max(0, match.start() - 80):match.end() + 40]!r}")
    return found


def strings_in(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [s for item in data for s in strings_in(item)]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in [*strings_in(k), *strings_in(v)]]
    return []


def test_no_output_file_carries_a_script_a_handler_or_a_dangerous_link(hostile):
    site = hostile["site"]
    found: list[str] = []
    for path in site_files(site):
        where = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".js":
            continue  # the theme's own scripts; our text never goes there (checked below by the needles)
        if path.suffix == ".json":
            data = json.loads(text)
            if where == "journey.json":
                continue  # data, not markup: checked on its own below
            # The search index holds HTML fragments that material's search shows as HTML.
            for value in strings_in(data):
                found += raw_findings(where, value)
                found += [f"{where}: {p}" for p in scan_html(value)]
            continue
        found += raw_findings(where, text)
        found += [f"{where}: {p}" for p in scan_html(text)]
    assert found == [], "hostile text reached the output as markup:\n" + "\n".join(found)


def test_no_front_matter_text_ever_becomes_a_link(hostile):
    site = hostile["site"]
    urls: list[tuple[str, str]] = []
    for path in sorted(site.rglob("*.html")):
        urls += [(path.relative_to(site).as_posix(), u) for u in urls_in(path.read_text(encoding="utf-8"))]
    assert urls, "the scan found no links at all"
    values = {v for text in HOSTILE_HANDBOOK.values() for v in strings_in(front_matter(text))}
    leaked = []
    for where, url in urls:
        bare = re.sub(r"[\s\x00-\x1f]", "", html.unescape(url)).lower()
        # Heading anchors are slugs of our text (letters and hyphens): harmless. A link must never be
        # our text itself, a script or data URL, or anything still holding a call like alert(…).
        if bare.startswith(("javascript:", "data:", "vbscript:")) or "alert(" in bare or html.unescape(url) in values:
            leaked.append((where, url))
    assert leaked == []


def front_matter(page_text: str) -> object:
    source, _, _ = frontmatter.split(page_text)
    return frontmatter.parse(source).data if source else {}


def test_journey_json_holds_the_hostile_strings_as_json_text(hostile):
    raw = (hostile["site"] / "journey.json").read_text(encoding="utf-8")
    assert "<" not in raw, "`<` must be written \\u003c"
    data = json.loads(raw)
    values = strings_in(data)
    for needle in HOSTILE:
        assert any(needle in value for value in values), f"{needle!r} is missing from journey.json"
    buy = next(e for e in data["entities"]["stage"] if e["id"] == "buy")
    assert buy["title"] == evil("Buy")
    assert buy["fields"]["goal"] == evil("goal")
    assert buy["fields"]["entry"] == TEXTS


def test_titles_read_as_text_in_the_page_title_header_and_heading(hostile):
    site = hostile["site"]
    for built, title in TITLES.items():
        document = page(site, built)
        head_title = document.find("title")
        assert head_title is not None and head_title.text() == " ".join(f"{title} - Test handbook".split()), built
        header = document.find("div", "md-header__title")
        assert header is not None and " ".join(title.split()) in header.text(), built
        heading = document.find("article", "md-content__inner").find("h1")
        assert heading.text().replace("¶", "").strip() == " ".join(title.split()), built


def test_titles_read_as_text_in_the_navigation(hostile):
    document = page(hostile["site"], "index.html")
    shown: list[str] = []

    def walk(entries) -> None:
        for entry in entries:
            shown.append(entry.title)
            walk(entry.children)

    walk(nav_tree(document))
    for title in TITLES.values():
        assert " ".join(title.split()) in shown, f"{title!r} is not in the navigation as text"


def test_titles_read_as_text_in_the_search_index(hostile):
    index = json.loads((hostile["site"] / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {doc["location"]: doc for doc in index["docs"]}
    for built, title in TITLES.items():
        location = built.removesuffix("index.html")
        doc = by_location.get(location)
        assert doc is not None, f"{location} is not in the search index"
        # material shows the title as HTML: it must be escaped there, and read back as the title
        assert "<" not in doc["title"].replace("<code>", "").replace("</code>", "")
        assert html.unescape(re.sub(r"</?code>", "`", doc["title"])) in (title, " ".join(title.split())), doc["title"]


def test_body_links_show_a_hostile_title_as_link_text(hostile):
    """``[[stage:buy]]`` becomes a link whose text is the stage's title, escaped: it cannot inject markup."""
    document = page(hostile["site"], "index.html")
    article = document.find("article", "md-content__inner")
    links = {a.attrs.get("href"): a.text() for a in article.find_all("a")}
    assert links.get("stages/buy/") == " ".join(evil("Buy").split()), links
    assert links.get("teams/cs/") == " ".join(evil("Customer Success").split()), links


def test_hostile_text_in_a_field_is_never_read_as_a_body_link(hostile):
    """A title holding ``[[stage:buy]]`` shows those characters; it does not turn into a link to Buy."""
    article = page(hostile["site"], "teams/cs/index.html").find("article", "md-content__inner")
    assert "[[stage:buy]]" in article.text()
    assert "[[stage:<b>x</b>]]" in article.text()


@pytest.mark.parametrize("built", ["journey/index.html", "journey/grid/index.html", "journey/raci/index.html",
                                   "journey/timeline/index.html", "start-here/index.html",
                                   "journey/moments/index.html", "journey/handoffs/index.html",
                                   "journey/roles/index.html", "journey/systems/index.html",
                                   "journey/metrics/index.html"])  # (the review page lists no title when nothing is due)
def test_a_body_link_written_in_a_field_is_shown_as_written_on_generated_pages(hostile, built):
    """``[[stage:buy]]`` inside a title is text: generated pages show it as written, not rewritten into the
    source of a Markdown link (``[Buy …](../stages/buy.md)``) that nothing turns into a link."""
    shown = page(hostile["site"], built).find("article", "md-content__inner").text()
    assert "stages/buy.md)" not in shown, shown[max(0, shown.find("stages/buy.md)") - 200):][:300]
    assert "[[stage:buy]]" in shown


def test_a_lookalike_body_link_is_an_unknown_ref_on_its_line(tmp_path):
    root = handbook_with(tmp_path, {"guide.md": "# Guide\n\nSee [[stage:<b>x</b>]] and [[team:\"><img]].\n"})
    _, data = check_json(root)
    found = errors_in(data, "guide.md")
    assert [(d["code"], d["line"]) for d in found] == [("unknown-ref", 3)] * len(found) and found


def test_tags_are_shown_as_text_by_materials_tags_plugin(hostile):
    """SPEC §2 passes ``tags`` to mkdocs-material; its templates print them as they are, so they must arrive
    escaped, as titles do."""
    document = page(hostile["site"], "stages/use/index.html")
    tags = document.find_all("span", "md-tag")
    assert tags, "material's tags plugin shows no tag"
    shown = [t.text() for t in tags]
    assert " ".join(evil("tag").split()) in shown, shown
    for tag_node in tags:
        assert [e.tag for e in tag_node.elements()] == [], f"a tag holds markup: {tag_node!r}"


def test_a_body_link_written_in_a_field_cannot_break_out_of_an_attribute(tmp_path):
    """On generated pages ``[[stage:buy]]`` is replaced wherever it stands, even inside an HTML attribute (an
    empty grid cell's tooltip names its stage): the linked stage's title put there must not close the
    attribute and add an event handler."""
    pages = {
        "stages/buy.md": "---\nkind: stage\ntitle: 'Buy\" onmouseover=\"throw onerror=alert,5\" x=\"'\n"
                         "owner: cs\norder: 1\n---\n",
        "stages/use.md": "---\nkind: stage\ntitle: Use after [[stage:buy]]\nowner: cs\norder: 2\n---\n",
    }
    root = handbook_with(tmp_path, pages, options="diagrams: false")
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    found = []
    for path in sorted((root / "site").rglob("*.html")):
        found += [f"{path.relative_to(root / 'site')}: {p}" for p in scan_html(path.read_text(encoding="utf-8"))]
    assert found == [], "an attribute was broken out of:\n" + "\n".join(found)


def test_diagrams_show_dot_breakers_as_text(hostile):
    """The SVG of the journey diagram draws the titles as text: a DOT breaker adds no node or label."""
    document = page(hostile["site"], "journey/index.html")
    figure = document.find("figure", "jsite-diagram")
    assert figure is not None, "the overview has no rendered diagram"
    drawn = " ".join(t.text() for t in figure.find_all("text"))
    assert "evil [label=" in drawn and "\\N \\G" in drawn
    assert "evil" not in {t.text() for t in figure.find_all("text")}  # never a label on its own


# ---- nothing lost ---------------------------------------------------------------------------------------------

def test_the_hostile_build_leaves_the_docs_folder_byte_for_byte(hostile):
    assert tree_hashes(hostile["root"] / "docs") == hostile["before"]


def test_a_failed_build_leaves_the_docs_folder_byte_for_byte(tmp_path):
    root = handbook_with(tmp_path, {"teams/bad.md": "---\nkind: team\ntitle: [Bad\n---\n"})
    before = tree_hashes(root / "docs")
    done = mkdocs_build(root)
    assert done.returncode == 1
    assert tree_hashes(root / "docs") == before


def test_front_matter_closed_on_the_last_line_is_not_silently_dropped(tmp_path):
    """A page saved without a final newline ends in ``---``: it must be read as an entity page (its unknown
    owner reported) or be an error saying why not; it must not quietly become a plain page."""
    root = handbook_with(tmp_path, {"stages/use.md": "---\nkind: stage\ntitle: Use\nowner: nobody\norder: 1\n---"})
    done, data = check_json(root)
    assert data is not None, done.stderr
    found = errors_in(data, "stages/use.md")
    assert data["entities"]["stage"] == 1 or found, "the stage page was silently read as a plain page"
    assert done.returncode == 1


def cli(root: Path, *args: str):
    return invoke_cli(root, *args)


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp")


STAGE = b"---\nkind: stage\ntitle: Use\nowner: cs\norder: 1\nreviewed: 2025-01-01\n---\n\nBody.\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(STAGE.replace(b"\n", b"\r"), STAGE.replace(b"2025-01-01", BUILD_DAY.encode()).replace(b"\n", b"\r"),
                     id="cr-only"),
        pytest.param(STAGE.replace(b"\n", b"\r\n", 3), STAGE.replace(b"2025-01-01", BUILD_DAY.encode())
                     .replace(b"\n", b"\r\n", 3), id="mixed-endings"),
        pytest.param(STAGE.removesuffix(b"\n"), STAGE.replace(b"2025-01-01", BUILD_DAY.encode()).removesuffix(b"\n"),
                     id="no-final-newline"),
    ],
)
def test_mark_keeps_unusual_line_endings(tmp_path, before, after):
    root = handbook_with(tmp_path, {})
    target = root / "docs" / "stages" / "use.md"
    target.parent.mkdir(parents=True)
    target.write_bytes(before)
    run = cli(root, "review", "--mark", "docs/stages/use.md", "--today", BUILD_DAY)
    assert run.exit_code == 0, run.stderr
    assert target.read_bytes() == after
    assert temporary_files(root / "docs") == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_mark_keeps_the_permissions(tmp_path, mode):
    root = handbook_with(tmp_path, {})
    target = root / "docs" / "use.md"
    target.write_bytes(STAGE)
    target.chmod(mode)
    assert cli(root, "review", "--mark", "docs/use.md", "--today", BUILD_DAY).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert f"reviewed: {BUILD_DAY}".encode() in target.read_bytes()


def test_mark_leaves_no_temporary_file_when_it_refuses(tmp_path):
    root = handbook_with(tmp_path, {})
    docs = root / "docs"
    refused = {
        docs / "twice.md": b"---\nkind: stage\ntitle: T\nowner: cs\norder: 1\nreviewed: 2025-01-01\nreviewed: 2025-02-01\n---\n",
        docs / "flow.md": b"---\n{kind: stage, title: F, owner: cs, order: 2}\n---\n",
        docs / "plain.md": b"# Plain\n",
    }
    for path, data in refused.items():
        path.write_bytes(data)
    run = cli(root, "review", "--mark", *[f"docs/{p.name}" for p in refused], "--today", BUILD_DAY)
    assert run.exit_code == 1
    assert len(run.stderr.strip().splitlines()) == 3
    for path, data in refused.items():
        assert path.read_bytes() == data
    assert temporary_files(docs) == []


def test_mark_leaves_the_page_whole_when_the_rename_fails(tmp_path, monkeypatch):
    """A failure between writing the temporary file and renaming it changes nothing and leaves nothing."""
    root = handbook_with(tmp_path, {})
    target = root / "docs" / "use.md"
    target.write_bytes(STAGE)

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    run = cli(root, "review", "--mark", "docs/use.md", "--today", BUILD_DAY)
    assert run.exit_code == 1
    assert "cannot be written" in run.stderr and "Traceback" not in run.stderr
    assert target.read_bytes() == STAGE
    assert temporary_files(root / "docs") == []


def test_mark_refuses_a_page_in_a_folder_that_links_outside_the_docs_folder(tmp_path):
    root = handbook_with(tmp_path, {})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "use.md").write_bytes(STAGE)
    (root / "docs" / "stages").symlink_to(outside, target_is_directory=True)
    run = cli(root, "review", "--mark", "docs/stages/use.md", "--today", BUILD_DAY)
    assert run.exit_code == 1
    assert "outside the docs folder" in run.stderr
    assert (outside / "use.md").read_bytes() == STAGE
    assert sorted(p.name for p in outside.iterdir()) == ["use.md"]


def test_new_refuses_a_dangling_link_that_points_outside_the_docs_folder(tmp_path):
    root = handbook_with(tmp_path, {})
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "docs" / "teams" / "sales.md").symlink_to(outside / "sales.md")
    before = tree_hashes(root / "docs")
    run = cli(root, "new", "team", "sales")
    assert run.exit_code == 1
    assert list(outside.iterdir()) == []
    assert (root / "docs" / "teams" / "sales.md").is_symlink()
    assert tree_hashes(root / "docs") == before
    assert temporary_files(root / "docs") == []


def test_new_leaves_no_temporary_file_when_it_refuses_an_existing_page(tmp_path):
    root = handbook_with(tmp_path, {})
    before = tree_hashes(root / "docs")
    run = cli(root, "new", "team", "cs")
    assert run.exit_code == 1
    assert tree_hashes(root / "docs") == before
    assert temporary_files(root / "docs") == []


def test_new_writes_through_a_temporary_file_it_then_removes(tmp_path, monkeypatch):
    """The page appears in one step (a hard link or rename of a complete temporary file), never half written."""
    root = handbook_with(tmp_path, {})
    seen: list[tuple[str, bytes]] = []
    real_link = os.link

    def watching_link(source, target, *args, **kwargs):
        seen.append((Path(source).name, Path(source).read_bytes()))
        assert not Path(target).exists()
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", watching_link)
    run = cli(root, "new", "metric", "nps", "--owner", "cs")
    assert run.exit_code == 0, run.stderr
    written = root / "docs" / "metrics" / "nps.md"
    [(temporary, content)] = seen
    assert temporary.startswith(".nps.md.") and temporary.endswith(".tmp")
    assert content == written.read_bytes()
    assert temporary_files(root / "docs") == []


def test_pipeline_on_the_hostile_handbook_reads_every_value_back(tmp_path):
    """The model keeps every hostile string exactly as written: escaping happens on output, never on input."""
    root = write_handbook(tmp_path / "hb", HOSTILE_HANDBOOK)
    result = pipeline.run(root / "docs")
    assert result.errors == []
    stage = result.handbook.get("stage", "buy")
    assert stage.title == evil("Buy") and stage.get("entry") == TEXTS


def test_an_attribute_left_open_in_a_body_never_gets_generated_html(tmp_path):
    """An author's raw HTML whose attribute is left open across a heading: Markdown keeps the sections
    journeysite adds there (a playbook's trigger and steps, behind placeholders while Markdown runs) inside
    the attribute's value. The sanitiser sees the placeholders first, so they stay text there and are never
    filled in: no generated markup inside an attribute, where a later text could add one of its own."""
    from test_serve_rebuild import handbook

    root = handbook(tmp_path, entities=30)
    playbook = sorted((root / "docs" / "playbooks").glob("*.md"))[0]
    head, body = playbook.read_text("utf-8").split("\n---\n", 1)
    playbook.write_text(f"{head}\n---\nIntro text.\n\n<div title='x\n\n## Heading\n\n'>hi</div>\n\n{body}", "utf-8")
    done = mkdocs_build(root, env=build_env(CI="1"))
    assert done.returncode == 0, done.stderr
    html_text = (root / "site" / "playbooks" / playbook.stem / "index.html").read_text("utf-8")
    values = [value for element in _elements(parse_html(html_text)) for _, value in element.pairs]
    spliced = [v for v in values if re.search(r"<(?:table|p|ol|ul|li|span|a)\b", v)]
    assert spliced == [], "generated markup inside an attribute's value:\n" + "\n".join(v[:200] for v in spliced)
    assert "jsite-steps" in html_text or "<table" in html_text, "the page still shows its generated sections"


def _elements(node):
    yield node
    for child in node.children:
        if not isinstance(child, str):
            yield from _elements(child)
