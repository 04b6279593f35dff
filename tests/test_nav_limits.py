"""Navigation lists stay short however large the handbook grows (what keeps large builds linear)."""

from __future__ import annotations

from journeysite.core import pipeline, relations
from journeysite.render import site


def _largest_list(plan) -> int:
    largest = len(plan)
    for _, target in plan:
        if isinstance(target, list):
            largest = max(largest, _largest_list(target))
    return largest


def _pages(plan) -> list[str]:
    found = []
    for _, target in plan:
        found.extend(_pages(target) if isinstance(target, list) else [target])
    return found


def _write_large_handbook(project) -> None:
    hb = project()
    hb.write("teams/cs.md", "---\nkind: team\ntitle: CS\n---\n")
    hb.write("stages/one.md", "---\nkind: stage\ntitle: One\nowner: cs\norder: 1\n---\n")
    hb.write("milestones/m.md", "---\nkind: milestone\ntitle: M\nowner: cs\nstage: one\norder: 1\n---\n")
    for i in range(95):
        family = ("lifecycle", "risk", "expansion")[i % 3]
        hb.write(f"playbooks/p{i:03}.md", f"---\nkind: playbook\ntitle: Playbook {i:03}\nowner: cs\n"
                                          f"type: {family}\nstages: [one]\ntrigger: {{manual: x}}\n---\n")
    for i in range(70):
        hb.write(f"metrics/k{i:03}.md", f"---\nkind: metric\ntitle: Metric {i:03}\nowner: cs\ndefinition: d\n---\n")
    return hb


def test_no_navigation_list_is_longer_than_the_limit_and_no_page_is_lost(project):
    hb = _write_large_handbook(project)
    result = pipeline.run(hb.docs)
    plan = site.entity_sections(result.handbook, relations.build(result.handbook))
    assert _largest_list(plan) <= site.NAV_LIMIT
    assert sorted(_pages(plan)) == sorted(e.file for e in result.handbook.all())


def test_a_crowded_stage_splits_its_playbooks_by_family_and_metrics_into_ranges(project):
    hb = _write_large_handbook(project)
    result = pipeline.run(hb.docs)
    plan = dict(site.entity_sections(result.handbook, relations.build(result.handbook)))
    stage_group = dict(plan["Playbooks"])["One"]
    assert [title for title, _ in stage_group] == ["Lifecycle", "At risk", "Expansion"]
    metric_titles = [title for title, _ in plan["Metrics"]]
    assert metric_titles[0] == "Metric 000 – Metric 029"
    assert len(metric_titles) == 3
