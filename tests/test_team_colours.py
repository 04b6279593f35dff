"""A team keeps its diagram colour: derived from its id, not from who owns what or from its rank
among the teams (issue #17: making Product own one milestone turned Marketing from purple to red)."""

from __future__ import annotations

from journeysite.core import pipeline
from journeysite.render.diagrams.dot import PALETTE, team_colours

TEAMS = ("marketing", "sales", "onboarding", "customer-success", "finance", "support")


def _colours(project, teams, milestone_owner="sales"):
    hb = project()
    for team in teams:
        hb.write(f"teams/{team}.md", f"---\nkind: team\ntitle: {team.title()}\n---\n")
    hb.write("stages/buy.md", "---\nkind: stage\ntitle: Buy\nowner: sales\norder: 1\n---\n")
    hb.write("milestones/signed.md",
             f"---\nkind: milestone\ntitle: Signed\nowner: {milestone_owner}\nstage: buy\norder: 1\n---\n")
    return team_colours(pipeline.run(hb.docs).handbook)


def test_changing_an_owner_changes_no_team_colour(project):
    before = _colours(project, TEAMS, milestone_owner="sales")
    after = _colours(project, TEAMS, milestone_owner="finance")
    assert before == after


def test_each_team_has_its_own_colour_while_the_palette_lasts(project):
    colours = _colours(project, TEAMS)
    assert len(set(colours.values())) == len(TEAMS)
    assert set(colours.values()) <= set(PALETTE)


def test_a_new_team_leaves_the_others_colours_alone_unless_it_sorts_first_and_wants_theirs(project):
    before = _colours(project, TEAMS)
    after = _colours(project, (*TEAMS, "zz-partnerships"))  # sorts last: takes a free colour
    assert {team: after[team] for team in TEAMS} == before
    assert after["zz-partnerships"] not in before.values()


def test_a_new_team_that_sorts_first_leaves_most_teams_their_colour(project):
    before = _colours(project, TEAMS)
    after = _colours(project, ("aa-analytics", *TEAMS))
    moved = [team for team in TEAMS if after[team] != before[team]]
    assert len(moved) < len(TEAMS) // 2, moved  # in rank order every team after it would shift
