"""The decisions behind ``mkdocs serve`` keeping pages (``journeysite.render.rebuild``), without MkDocs:
which page a fingerprint keeps, when the navigation renders every page again, and the search index put
back together as a full build writes it. The served site itself is compared in test_serve_rebuild.py."""

from __future__ import annotations

import json

from journeysite.render.rebuild import PageHTML, Rebuild, digest, merged_search_index
from journeysite.render.stash import LISTING, Stash


def page(key: str, output: str | None = None, navigation: str = "nav") -> PageHTML:
    return PageHTML(key, "<p>x</p>", None, "T", {}, set(), None,
                    digest(navigation, key) if output else None, output)


def test_a_page_is_kept_only_when_its_fingerprint_and_the_navigation_are_the_same():
    rebuild = Rebuild()
    rebuild.begin("site")
    a = rebuild.html_key("a.md", "a/", "# A", {"title": "A"}, "A")
    b = rebuild.html_key("b.md", "b/", "# B", {"title": "B"}, "B")
    assert a != rebuild.html_key("a.md", "a/", "# A, edited", {"title": "A"}, "A")
    rebuild.pages = {"a.md": page(a, "<html>a</html>"), "b.md": page(b, "<html>b</html>")}
    rebuild.begin("site")  # the same signature keeps the memory
    assert rebuild.keep_html("a.md", a) is not None
    assert rebuild.keep_html("b.md", "another key") is None and "b.md" not in rebuild.pages
    assert rebuild.keep_outputs("nav") == {"a.md"} and rebuild.output("a.md") == "<html>a</html>"
    assert "rebuilt 1 of 2 pages" in rebuild.summary()

    rebuild.begin("site")
    rebuild.keep_html("a.md", a)
    assert rebuild.keep_outputs("another navigation") == set(), "a new navigation renders every page"


def test_a_new_signature_or_a_reason_forgets_every_page():
    rebuild = Rebuild()
    rebuild.begin("site")
    rebuild.pages = {"a.md": page("k")}
    rebuild.begin("another site")
    assert rebuild.pages == {}
    rebuild.pages = {"a.md": page("k")}
    rebuild.begin("another site", "the plugin x may change pages")
    assert rebuild.pages == {} and not rebuild.active
    assert rebuild.keep_html("a.md", "k") is None
    assert "rebuilt all 1 pages (the plugin x may change pages)" in rebuild.summary()


def test_the_search_index_is_put_back_in_page_order_as_the_search_plugin_writes_it():
    full = {"config": {"lang": ["en"]}, "docs": [
        {"location": "", "title": "Home", "text": "h"},
        {"location": "a/", "title": "A", "text": "a"}, {"location": "a/#s", "title": "S", "text": "s"},
        {"location": "b/", "title": "B", "text": "b"},
    ]}
    written = {"config": full["config"], "docs": [full["docs"][0], full["docs"][3]]}  # a.md was kept
    order = [("index.md", ""), ("a.md", "a/"), ("b.md", "b/")]
    merged = merged_search_index(json.dumps(written), order, {"a.md": full["docs"][1:3]})
    assert merged is not None
    text, entries = merged
    assert text == json.dumps(full, separators=(",", ":"))
    assert entries["a.md"] == full["docs"][1:3] and entries["b.md"] == [full["docs"][3]]
    assert merged_search_index("not json", order, {}) is None
    assert merged_search_index(json.dumps(full), order, {"a.md": []}) is None, "a kept page was indexed again"


def test_the_search_index_is_the_same_when_the_pages_entries_are_not_encoded_again():
    config = {"lang": ["en"], "separator": "[\\s\\-]+"}
    page_a = [{"location": "a/", "title": "A <b>", "text": "caf\u00e9 \"x\""}]
    encoded: dict = {}
    order = [("index.md", ""), ("a.md", "a/"), ("b.md", "b/")]
    first = {"config": config, "docs": [{"location": "", "title": "Home", "text": "h"}, *page_a,
                                        {"location": "b/", "title": "B", "text": "b"}]}
    merged = merged_search_index(json.dumps(first), order, {}, None, encoded)
    assert merged is not None and merged[0] == json.dumps(first, separators=(",", ":"))
    kept_a = merged[1]["a.md"]
    # The next build: a.md kept (its entries the very list encoded last time), b.md edited, c.md new.
    order.append(("c.md", "c/"))
    second = {"config": config, "docs": [first["docs"][0], {"location": "b/", "title": "B2", "text": "b2"},
                                         {"location": "c/", "title": "C", "text": "c"}]}
    merged = merged_search_index(json.dumps(second), order, {"a.md": kept_a}, None, encoded)
    full = {"config": config, "docs": [second["docs"][0], *page_a, *second["docs"][1:]]}
    assert merged is not None and merged[0] == json.dumps(full, separators=(",", ":"))
    assert encoded["b.md"][1] == json.dumps(second["docs"][1], separators=(",", ":")), "an edited page kept its old entries"
    # A page gone from the site leaves the index and the cache.
    order = [o for o in order if o[0] != "b.md"]
    third = {"config": config, "docs": [second["docs"][0], second["docs"][2]]}
    merged = merged_search_index(json.dumps(third), order, {"a.md": kept_a}, None, encoded)
    assert merged is not None and '"B2"' not in merged[0] and "b.md" not in encoded


def test_a_placeholder_is_the_same_in_every_build_for_the_same_content():
    first, second = Stash(), Stash()
    assert first.put(LISTING, "<ul>x</ul>") == second.put(LISTING, "<ul>x</ul>")
    assert first.put(LISTING, lambda: "svg", identity="d1") == second.put(LISTING, lambda: "svg", identity="d1")
    assert first.put(LISTING, lambda: "svg", identity="d1") != first.put(LISTING, lambda: "svg", identity="d2")
    assert first.put(LISTING, lambda: "a") != first.put(LISTING, lambda: "a"), "no identity: a key of its own"
    twice = first.put(LISTING, "<ul>y</ul>")
    assert first.restore(LISTING, twice + twice) == "<ul>y</ul><ul>y</ul>", "one content in two places"


def test_the_build_signature_holds_the_plugin_options_as_loaded(tmp_path):
    """mkdocs.yml saved again while a build runs: the build's signature is of the options it loaded, so
    the next build (which loads the new ones) does not keep pages made with the old."""
    from mkdocs.commands.build import get_files
    from mkdocs.config import load_config

    from journeysite.plugin.incremental import build_signature

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    config_file = tmp_path / "mkdocs.yml"
    written = "site_name: T\nplugins:\n  - journeysite:\n      allow_raw_html: {}\n"
    config_file.write_text(written.format("false"), "utf-8")
    building = load_config(str(config_file))
    config_file.write_text(written.format("true"), "utf-8")  # saved during the build, before its on_files
    during = build_signature(building, get_files(building))
    after = load_config(str(config_file))  # the next build (MkDocs gives a serve's plugin its new options)
    assert during != build_signature(after, get_files(after))
