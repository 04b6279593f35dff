"""The navigation a reader sees in the sidebar (SPEC §4): by kind in journey order, or after a hand-written ``nav:``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from browser_support import (
    SMALL_HANDBOOK,
    NavEntry,
    link_target,
    mkdocs_build,
    nav_outline,
    nav_tree,
    page,
    write_handbook,
)

from journeysite.render import site

GENERATED_TITLES = ["Journey overview", "Playbook grid", "Timeline", "Moments of truth", "Handoffs", "Who does what",
                    "RACI matrix", "Systems", "Metrics", "Handoff gaps", "Review status", "Team capacity"]
STAGE_TITLES = ["Purchase", "Onboarding & implementation", "Adoption"]
MILESTONES_BY_STAGE = [
    ("Purchase", ["Contract signed"]),
    ("Onboarding & implementation", ["Kickoff held", "Data connected", "Go-live"]),
    ("Adoption", ["First value"]),
]
ENTITY_PAGES = sorted(name for name in SMALL_HANDBOOK if name not in ("index.md", "guide.md"))
GENERATED_FILES = ["start-here/index.html", "journey/index.html", "journey/grid/index.html",
                   "journey/timeline/index.html", "journey/moments/index.html", "journey/handoffs/index.html",
                   "journey/roles/index.html", "journey/raci/index.html", "journey/systems/index.html",
                   "journey/metrics/index.html", "journey/gaps/index.html", "journey/review/index.html",
                   "journey/capacity/index.html"]
USER_NAV = """\
nav:
  - Home: index.md
  - Our onboarding: stages/onboarding.md
  - Guide: guide.md
"""


def built(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def auto_site(tmp_path_factory) -> Path:
    """No ``nav:`` in mkdocs.yml; a plain page in a folder of its own too."""
    files = {**SMALL_HANDBOOK, "guides/faq.md": "# Frequently asked\n\nA plain page in a folder.\n"}
    root = write_handbook(tmp_path_factory.mktemp("auto") / "handbook", files)
    config = root / "mkdocs.yml"  # material shows previous/next links with navigation.footer
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  features: [navigation.footer]\n"))
    built(mkdocs_build(root, "--strict"))
    return root / "site"


@pytest.fixture(scope="module")
def user_nav_site(tmp_path_factory) -> Path:
    root = write_handbook(tmp_path_factory.mktemp("usernav") / "handbook", extra=USER_NAV)
    built(mkdocs_build(root, "--strict"))
    return root / "site"


def section(entries: list[NavEntry], title: str) -> NavEntry:
    found = [e for e in entries if e.title == title and e.href is None]
    assert len(found) == 1, f"expected one section {title!r}: {[e.title for e in entries]}"
    return found[0]


def pages(entries: list[NavEntry]) -> list[NavEntry]:
    """Every page of the navigation, depth first."""
    found = []
    for entry in entries:
        found += [entry] if entry.href is not None else pages(entry.children)
    return found


def targets(entries: list[NavEntry], page_path: str = "index.html") -> list[str]:
    """The built file each page of the navigation (seen from ``page_path``) leads to, in order."""
    return [link_target(page_path, entry.href or "") for entry in pages(entries)]


def entity_html(name: str) -> str:
    return f"{name.removesuffix('.md')}/index.html"


# ---- no nav: in mkdocs.yml -----------------------------------------------------------------------

def test_auto_nav_puts_home_and_plain_pages_first_then_start_here_and_the_journey(auto_site):
    entries = nav_tree(page(auto_site, "index.html"))
    titles = [e.title for e in entries]
    assert targets(entries[:1]) == ["index.html"]
    assert "Field guide" in titles and "Start here" in titles
    assert titles.index("Field guide") < titles.index("Start here")
    assert titles.index("Start here") < titles.index("Journey")
    assert [e.title for e in section(entries, "Journey").children] == GENERATED_TITLES


def test_auto_nav_keeps_plain_pages_in_folders(auto_site):
    entries = nav_tree(page(auto_site, "index.html"))
    assert "guides/faq/index.html" in targets(entries)


def test_auto_nav_has_sections_by_kind(auto_site):
    entries = nav_tree(page(auto_site, "index.html"))
    titles = [e.title for e in entries if e.href is None]
    kinds = ["Segments", "Stages", "Milestones", "Playbooks", "Handoffs", "Teams", "Metrics"]
    assert [t for t in titles if t in kinds] == kinds
    mission = [e for e in entries if e.href is not None and link_target("index.html", e.href) == "mission/index.html"]
    assert [e.title for e in mission] == ["Customers decide better, sooner"]


def test_auto_nav_lists_stages_in_journey_order_not_file_order(auto_site):
    stages = section(nav_tree(page(auto_site, "index.html")), "Stages")
    assert [e.title for e in stages.children] == STAGE_TITLES
    assert targets(stages.children) == ["stages/purchase/index.html", "stages/onboarding/index.html",
                                        "stages/adoption/index.html"]


def test_auto_nav_groups_milestones_by_stage_in_order(auto_site):
    milestones = section(nav_tree(page(auto_site, "index.html")), "Milestones")
    assert [e.outline() for e in milestones.children] == [(stage, names) for stage, names in MILESTONES_BY_STAGE]


def test_auto_nav_groups_playbooks_by_stage(auto_site):
    playbooks = section(nav_tree(page(auto_site, "index.html")), "Playbooks")
    grouped = {e.title: sorted(c.title for c in e.children) for e in playbooks.children}
    assert [e.title for e in playbooks.children] == STAGE_TITLES
    assert grouped == {
        "Purchase": ["Closed-won welcome", "Legacy welcome pack"],
        "Onboarding & implementation": ["Onboarding plan"],
        "Adoption": ["Health check", "Low usage", "Tech-touch nudges", "Upsell"],
    }


def test_auto_nav_lists_every_page_once(auto_site):
    found = targets(nav_tree(page(auto_site, "index.html")))
    expected = {"index.html", "guide/index.html", "guides/faq/index.html",
                *GENERATED_FILES, *(entity_html(name) for name in ENTITY_PAGES)}
    assert sorted(found) == sorted(expected)


def test_a_plain_page_in_an_entity_folder_joins_that_section_once(tmp_path):
    """An introduction to the stages (``stages/index.md``) and a plain page among the teams: each comes
    first in journeysite's section for its folder, which lists every page once (MkDocs' own folder
    section would list the entity pages a second time)."""
    files = {**SMALL_HANDBOOK, "stages/index.md": "# About our stages\n\nHow we cut the journey.\n",
             "teams/how-we-work.md": "# How we work\n\nOur rituals.\n"}
    root = write_handbook(tmp_path / "handbook", files)
    built(mkdocs_build(root, "--strict"))
    entries = nav_tree(page(root / "site", "index.html"))
    stages = section(entries, "Stages")
    assert [e.title for e in stages.children] == ["About our stages", *STAGE_TITLES]
    assert targets(stages.children)[0] == "stages/index.html"
    assert [e.title for e in section(entries, "Teams").children][0] == "How we work"
    found = targets(entries)
    assert len(found) == len(set(found)), "every page once"
    assert "stages/index.html" in found and "teams/how-we-work/index.html" in found


def test_auto_nav_is_the_same_on_every_page(auto_site):
    home = nav_outline(page(auto_site, "index.html"))
    for path in ("stages/onboarding/index.html", "journey/grid/index.html", "playbooks/upsell/index.html"):
        assert nav_outline(page(auto_site, path)) == home, path


def test_auto_nav_next_and_previous_follow_the_journey(auto_site):
    footer = page(auto_site, "stages/purchase/index.html").find("nav", "md-footer__inner")
    assert footer is not None
    path = "stages/purchase/index.html"
    following = {"next" if a.has_class("md-footer__link--next") else "previous": link_target(path, a.attrs["href"])
                 for a in footer.find_all("a", "md-footer__link")}
    assert following == {"previous": "segments/scale/index.html", "next": "stages/onboarding/index.html"}


# ---- a hand-written nav: ---------------------------------------------------------------------------

def test_user_nav_items_stay_first(user_nav_site):
    entries = nav_tree(page(user_nav_site, "index.html"))
    assert targets(entries[:3]) == ["index.html", "stages/onboarding/index.html", "guide/index.html"]
    assert [entries[0].title, entries[2].title] == ["Home", "Guide"]
    assert [e.title for e in entries[3:]] == ["Customer journey"]


def test_user_nav_gains_a_customer_journey_section_with_the_generated_pages(user_nav_site):
    journey = section(nav_tree(page(user_nav_site, "index.html")), "Customer journey")
    found = targets(journey.children)
    for target in GENERATED_FILES:
        assert target in found, f"{target} is not in the Customer journey section"


def test_user_nav_adds_only_entity_pages_not_already_listed(user_nav_site):
    entries = nav_tree(page(user_nav_site, "index.html"))
    journey = section(entries, "Customer journey")
    stages = section(journey.children, "Stages")
    assert [e.title for e in stages.children] == ["Purchase", "Adoption"]
    found = targets(entries)
    assert found.count("stages/onboarding/index.html") == 1
    expected = {"index.html", "guide/index.html", *GENERATED_FILES, *(entity_html(n) for n in ENTITY_PAGES)}
    assert sorted(found) == sorted(expected)


def test_user_nav_customer_journey_section_groups_by_kind_in_journey_order(user_nav_site):
    journey = section(nav_tree(page(user_nav_site, "index.html")), "Customer journey")
    milestones = section(journey.children, "Milestones")
    assert [e.outline() for e in milestones.children] == [(stage, names) for stage, names in MILESTONES_BY_STAGE]
    assert [e.title for e in section(journey.children, "Playbooks").children] == STAGE_TITLES


# ---- a large handbook: navigation.prune ------------------------------------------------------------

@pytest.fixture(scope="module")
def large_site(tmp_path_factory) -> Path:
    """More pages than PRUNE_ABOVE, and a feature of the user's own that must stay on."""
    metrics = {f"metrics/k{i:03}.md": f"---\nkind: metric\ntitle: Metric {i:03}\nowner: customer-success\n"
                                      f"definition: Measure number {i}.\nreviewed: 2026-10-01\n---\n\nA metric.\n"
               for i in range(site.PRUNE_ABOVE)}
    root = write_handbook(tmp_path_factory.mktemp("large") / "handbook", {**SMALL_HANDBOOK, **metrics})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  features: [navigation.footer]\n"))
    built(mkdocs_build(root))
    return root / "site"


def test_a_large_handbook_renders_only_the_navigation_on_each_pages_path(large_site):
    html = (large_site / "metrics" / "k150" / "index.html").read_text(encoding="utf-8")
    entries = nav_tree(page(large_site, "metrics/k150/index.html"))
    playbooks = [e for e in entries if e.title == "Playbooks"]
    # Another kind's section is one link to its first page, with none of its pages rendered.
    assert len(playbooks) == 1 and playbooks[0].href is not None and not playbooks[0].children
    assert "md-nav__item--pruned" in html
    assert "Low usage" not in [e.title for e in pages(entries)]  # a playbook
    # The page's own section is open down to the page.
    metrics = section(entries, "Metrics")
    shown = [title for e in metrics.children for title in ([e.title] if e.href else [c.title for c in e.children])]
    assert "Metric 150" in shown
    assert "md-footer__link" in html  # the user's own navigation.footer is still on


def test_a_small_handbook_keeps_the_whole_navigation_on_every_page(auto_site):
    assert "md-nav__item--pruned" not in (auto_site / "playbooks" / "upsell" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("features,expected", [
    ("[navigation.footer]", ["navigation.footer", "navigation.prune"]),
    ("navigation.footer", ["navigation.footer", "navigation.prune"]),  # one feature written without a list
    ("[navigation.expand]", ["navigation.expand"]),  # expand and prune do not mix: the user's choice stands
])
def test_pruning_keeps_the_users_own_features(tmp_path, features, expected):
    from mkdocs.config import load_config

    from journeysite.plugin.nav import _prune_navigation

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\ntheme:\n  name: material\n  features: {features}\n")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    _prune_navigation(config, site.PRUNE_ABOVE + 1)
    assert list(config.theme["features"]) == expected
