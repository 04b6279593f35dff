"""Journeys in the model (SPEC §3): per segment, the active stages that apply to it in order, each with
its active milestones that apply to it in order; one journey for everyone when there are no segments."""

from __future__ import annotations

from pathlib import Path

import yaml

from journeysite.core import pipeline


def entity(project, kind: str, id: str, **fields) -> Path:
    """Write one entity page under docs/<kind>s/ from front-matter fields (a trailing ``_`` is dropped)."""
    front = {"kind": kind, "title": id.replace("-", " ").capitalize()}
    front.update({name.rstrip("_"): value for name, value in fields.items()})
    return project.write(f"{kind}s/{id}.md", "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n")


def stage(project, id: str, order: int, owner: str, **fields) -> Path:
    return entity(project, "stage", id, owner=owner, order=order, **fields)


def milestone(project, id: str, stage: str, order: int, owner: str, **fields) -> Path:
    return entity(project, "milestone", id, owner=owner, stage=stage, order=order, **fields)


def segment(project, id: str, **fields) -> Path:
    return entity(project, "segment", id, owner="success", touch="high", **fields)


def teams(project, *ids: str) -> None:
    for id in ids:
        entity(project, "team", id)


def journeys(project) -> dict[str | None, list[tuple[str, list[str]]]]:
    """Each journey of the handbook, by segment id: its stages in order, each with its milestones in order."""
    result = pipeline.run(project.docs)
    assert result.errors == [], result.errors
    found = result.handbook.journeys
    by_segment = {j.segment_id: [(s.stage.id, [m.id for m in s.milestones]) for s in j.stages] for j in found}
    assert len(by_segment) == len(found), "two journeys for one segment"
    return by_segment


def test_each_segment_journey_lists_stages_and_their_milestones_in_order(project):
    p = project()
    teams(p, "sales", "onboarding", "success")
    segment(p, "enterprise")
    segment(p, "scale")
    # File names sort the other way round from `order`: the journey must follow `order`.
    stage(p, "a-adoption", 30, "success")
    stage(p, "b-onboarding", 20, "onboarding")
    stage(p, "c-purchase", 10, "sales")
    milestone(p, "a-go-live", "b-onboarding", 2, "onboarding")
    milestone(p, "b-kickoff", "b-onboarding", 1, "onboarding")
    milestone(p, "z-contract", "c-purchase", 1, "sales")
    milestone(p, "first-value", "a-adoption", 1, "success")

    expected = [
        ("c-purchase", ["z-contract"]),
        ("b-onboarding", ["b-kickoff", "a-go-live"]),
        ("a-adoption", ["first-value"]),
    ]
    assert journeys(p) == {"enterprise": expected, "scale": expected}


def test_segments_on_stages_and_milestones_restrict_the_journeys_they_belong_to(project):
    p = project()
    teams(p, "sales", "onboarding", "success")
    segment(p, "enterprise")
    segment(p, "mid-market")
    segment(p, "scale")
    stage(p, "purchase", 1, "sales")
    stage(p, "onboarding", 2, "onboarding", segments=["enterprise", "mid-market"])
    stage(p, "adoption", 3, "success")
    milestone(p, "contract-signed", "purchase", 1, "sales")
    milestone(p, "self-serve-checkout", "purchase", 2, "sales", segments=["scale"])
    milestone(p, "kickoff", "onboarding", 1, "onboarding", segments=["enterprise"])
    milestone(p, "go-live", "onboarding", 2, "onboarding")
    milestone(p, "first-value", "adoption", 1, "success")

    assert journeys(p) == {
        "enterprise": [
            ("purchase", ["contract-signed"]),
            ("onboarding", ["kickoff", "go-live"]),
            ("adoption", ["first-value"]),
        ],
        "mid-market": [
            ("purchase", ["contract-signed"]),
            ("onboarding", ["go-live"]),
            ("adoption", ["first-value"]),
        ],
        "scale": [
            ("purchase", ["contract-signed", "self-serve-checkout"]),
            ("adoption", ["first-value"]),
        ],
    }


def test_draft_stages_and_milestones_take_part_and_retired_ones_do_not(project):
    p = project()
    teams(p, "sales", "onboarding", "success")
    stage(p, "purchase", 1, "sales")
    stage(p, "onboarding", 2, "onboarding", status="draft")
    stage(p, "legacy-training", 3, "onboarding", status="retired")
    stage(p, "adoption", 4, "success")
    milestone(p, "contract-signed", "purchase", 1, "sales", status="retired")
    milestone(p, "order-booked", "purchase", 2, "sales")
    milestone(p, "kickoff", "onboarding", 1, "onboarding", status="draft")
    milestone(p, "course-passed", "legacy-training", 1, "onboarding")
    milestone(p, "first-value", "adoption", 1, "success")

    assert journeys(p) == {
        None: [
            ("purchase", ["order-booked"]),
            ("onboarding", ["kickoff"]),
            ("adoption", ["first-value"]),
        ],
    }


def test_draft_segments_have_a_journey_and_retired_segments_do_not(project):
    p = project()
    teams(p, "sales", "success")
    segment(p, "enterprise")
    segment(p, "partners", status="draft")
    segment(p, "legacy", status="retired")
    stage(p, "purchase", 1, "sales")
    milestone(p, "contract-signed", "purchase", 1, "sales")

    assert sorted(journeys(p)) == ["enterprise", "partners"]


def test_without_segments_there_is_exactly_one_journey_for_everyone(project):
    p = project()
    teams(p, "sales", "success")
    stage(p, "purchase", 1, "sales")
    stage(p, "adoption", 2, "success")
    milestone(p, "contract-signed", "purchase", 1, "sales")

    result = pipeline.run(p.docs)

    assert result.errors == []
    [journey] = result.handbook.journeys
    assert journey.segment is None
    assert [s.stage.id for s in journey.stages] == ["purchase", "adoption"]
    assert [[m.id for m in s.milestones] for s in journey.stages] == [["contract-signed"], []]


def test_the_owner_chain_follows_the_segment_journey(project):
    p = project()
    teams(p, "sales", "onboarding", "success", "support")
    segment(p, "enterprise")
    segment(p, "scale")
    stage(p, "purchase", 1, "sales")
    stage(p, "onboarding", 2, "onboarding", segments=["enterprise"])
    stage(p, "adoption", 3, "success")
    milestone(p, "contract-signed", "purchase", 1, "sales")
    milestone(p, "kickoff", "onboarding", 1, "onboarding")
    milestone(p, "go-live", "onboarding", 2, "success")
    milestone(p, "first-ticket", "adoption", 1, "support", segments=["scale"])
    milestone(p, "first-value", "adoption", 2, "success")

    chains = {
        j.segment_id: [(s.stage.owner, [m.owner for m in s.milestones]) for s in j.stages]
        for j in pipeline.run(p.docs).handbook.journeys
    }

    assert chains == {
        "enterprise": [
            ("sales", ["sales"]),
            ("onboarding", ["onboarding", "success"]),
            ("success", ["success"]),
        ],
        "scale": [("sales", ["sales"]), ("success", ["support", "success"])],
    }
