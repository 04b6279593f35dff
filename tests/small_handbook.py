"""The smallest clean handbook: a team, a stage, a milestone and a playbook, with no diagnostic at all.

Tests start from it and add the one page that breaks a rule.
"""

from __future__ import annotations

CS_TEAM = "---\nkind: team\ntitle: Customer Success\n---\n"
ONBOARDING = "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n"
GO_LIVE = "---\nkind: milestone\ntitle: Go-live\nowner: customer-success\nstage: onboarding\norder: 1\n---\n"
WELCOME = """\
---
kind: playbook
title: Welcome
owner: customer-success
type: lifecycle
stages: [onboarding]
trigger: {milestone: go-live}
steps:
  - do: Send the welcome email
---

Runs in [[stage:onboarding]].
"""
# A handoff that says nothing about what travels: a warning (handoff-without-artifacts), nothing else
# (go-live ends the only stage, which the page accepts).
AFTER_GO_LIVE = """\
---
kind: handoff
title: After go-live
owner: customer-success
from: customer-success
to: customer-success
milestone: go-live
accept:
  - code: handoff-not-a-transition
    reason: The handbook has one stage so far; the next one comes with the renewal pages.
---
"""


def clean(project, **options):
    """The handbook, written by the ``project`` fixture (options go to it)."""
    hb = project(**options)
    hb.write("teams/customer-success.md", CS_TEAM)
    hb.write("stages/onboarding.md", ONBOARDING)
    hb.write("milestones/go-live.md", GO_LIVE)
    hb.write("playbooks/welcome.md", WELCOME)
    return hb
