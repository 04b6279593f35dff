"""A deterministic synthetic customer-success handbook of N entities, for the benchmark.

``python bench/gen.py N OUTDIR`` writes OUTDIR/docs/…, OUTDIR/mkdocs.yml (material + search + journeysite, no
``nav:``) and OUTDIR/mkdocs-plain.yml (the same docs, the journeysite plugin removed: what a user would get
without it). The handbook passes ``journeysite check --strict`` with no diagnostic at all. The RNG is seeded
from N, so the same N always gives the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

MIN_ENTITIES = 30

TEAMS = (  # (id, title, roles)
    ("customer-success", "Customer Success", ["CSM", "Senior CSM", "CS Team Lead"]),
    ("onboarding", "Onboarding", ["Implementation Manager", "Implementation Engineer"]),
    ("sales", "Sales", ["Account Executive", "Sales Development Rep"]),
    ("support", "Support", ["Support Engineer", "Support Team Lead"]),
    ("marketing", "Marketing", ["Lifecycle Marketer", "Community Manager"]),
    ("finance", "Finance", ["Billing Specialist", "Collections Lead"]),
    ("cs-operations", "CS Operations", ["CS Ops Analyst", "CS Platform Admin"]),
    ("product", "Product", ["Product Manager", "Product Designer"]),
    ("solutions-engineering", "Solutions Engineering", ["Solutions Engineer", "Solutions Architect"]),
    ("professional-services", "Professional Services", ["Consultant", "Engagement Manager"]),
    ("renewals", "Renewals", ["Renewal Manager"]),
    ("account-management", "Account Management", ["Account Manager", "Strategic Account Director"]),
    ("partnerships", "Partnerships", ["Partner Manager"]),
    ("customer-education", "Customer Education", ["Trainer", "Instructional Designer"]),
    ("revenue-operations", "Revenue Operations", ["RevOps Analyst", "Deal Desk"]),
)

TEAM_TITLES = {team_id: title for team_id, title, _ in TEAMS}

STAGES = (  # (id, title, index of the owning team in TEAMS)
    ("awareness", "Awareness", 4),
    ("engagement", "Engagement", 4),
    ("qualification", "Qualification", 2),
    ("discovery", "Discovery", 2),
    ("evaluation", "Technical evaluation", 8),
    ("proposal", "Proposal", 2),
    ("purchase", "Purchase", 2),
    ("kickoff", "Kickoff", 1),
    ("implementation", "Implementation", 9),
    ("onboarding", "Onboarding", 1),
    ("training", "Training", 13),
    ("go-live", "Go-live", 1),
    ("adoption", "Adoption", 0),
    ("value-realisation", "Value realisation", 0),
    ("optimisation", "Optimisation", 0),
    ("expansion", "Expansion", 11),
    ("advocacy", "Advocacy", 4),
    ("renewal-planning", "Renewal planning", 10),
    ("renewal", "Renewal", 10),
    ("retention", "Retention", 0),
)

SEGMENTS = (  # (id, title, touch, accounts per CSM, criteria)
    ("enterprise", "Enterprise", "high", 12, ["Annual contract value of 120,000 USD or more", "Or more than 500 seats"]),
    ("mid-market", "Mid-market", "medium", 40, ["Annual contract value from 25,000 to 120,000 USD"]),
    ("smb", "Small business", "low", 150, ["Annual contract value under 25,000 USD", "Sold by a rep"]),
    ("self-serve", "Self-serve", "tech", 1000, ["Bought through online checkout, no rep involved"]),
)

MILESTONE_PHRASES = (
    "First contact made", "Needs confirmed", "Champion identified", "Sponsor engaged", "Success criteria agreed",
    "Stakeholder map complete", "Plan signed off", "Data connected", "Admins trained", "First dashboard live",
    "First value reached", "Usage threshold reached", "Business review held", "Health baseline set",
    "Expansion qualified", "Advocate recruited", "Renewal plan agreed", "Renewal signed", "Budget confirmed",
    "Security review passed", "Integration verified", "Pilot completed", "Rollout complete", "Feedback captured",
    "Roadmap shared", "Executive alignment reached", "Reference given", "Training certified", "Workshop held",
    "Adoption review held",
)

METRICS = (  # (title, direction, formula, target)
    ("Net revenue retention", "up", "(starting ARR + expansion - contraction - churn) / starting ARR", "110% or more"),
    ("Gross revenue churn", "down", "churned ARR / starting ARR", "under 8% a year"),
    ("Time to value", "down", "days from signature to the first value milestone", "30 days or less"),
    ("Time to go-live", "down", "days from kickoff to go-live", "45 days or less"),
    ("Health score", "up", "weighted sum of usage, support, sentiment and relationship", "70 or more"),
    ("Product adoption", "up", "weekly active users / licensed seats", "60% or more"),
    ("Net Promoter Score", "up", "% promoters - % detractors", "40 or more"),
    ("Customer satisfaction", "up", "satisfied responses / all responses", "92% or more"),
    ("Renewal rate", "up", "renewed contracts / contracts up for renewal", "90% or more"),
    ("Expansion revenue", "up", "ARR added by upsell and cross-sell", "25% of new ARR"),
    ("Win rate", "up", "won opportunities / closed opportunities", "25% or more"),
    ("Lead conversion", "up", "qualified leads / all leads", "15% or more"),
    ("Ticket backlog", "down", "open tickets older than 7 days", "under 50"),
    ("Training completion", "up", "certified admins / admins", "80% or more"),
    ("Onboarding completion", "up", "accounts live within the window / accounts onboarded", "85% or more"),
    ("Logo retention", "up", "customers kept / customers at start", "92% or more"),
    ("Support first response", "down", "median minutes to first reply", "under 60 minutes"),
    ("Executive engagement", "up", "accounts with a sponsor meeting this half / accounts", "75% or more"),
    ("Advocacy participation", "up", "accounts giving a reference or case study / accounts", "10% or more"),
    ("Forecast accuracy", "up", "1 - |forecast - actual| / actual", "95% or more"),
)
METRIC_QUALIFIERS = ("enterprise", "mid-market", "small business", "self-serve", "EMEA", "Americas", "APAC",
                     "partner-led", "new logos", "strategic accounts")

PLAYBOOK_TOPICS = (
    "Welcome", "Kickoff", "Success plan", "Health check", "Executive business review", "Low usage",
    "Champion change", "Sponsor change", "Renewal preparation", "Upsell", "Cross-sell", "Advocacy",
    "Detractor response", "Support escalation", "Code red", "Onsite visit", "Data quality", "Security review",
    "Admin enablement", "Power user", "Adoption sprint", "Value review", "Price increase", "Downgrade risk",
    "Contract consolidation", "Seat true-up", "Integration rescue", "Migration", "Pilot", "Workshop",
    "Community", "Feature launch", "Beta programme", "Churn save", "Win-back", "Usage spike", "Budget cut",
    "Merger and acquisition", "Reorganisation", "Billing dispute",
)
PLAYBOOK_FORMATS = (
    "call", "review", "campaign", "sequence", "workshop", "plan", "check-in", "programme", "outreach",
    "escalation", "follow-up", "sprint", "playbook", "touchpoint", "briefing",
)
VERBS = ("Prepare", "Send", "Review", "Schedule", "Confirm", "Share", "Agree", "Record", "Escalate", "Update",
         "Run", "Invite", "Summarise", "Check", "Present", "Collect", "Draft", "Celebrate")
OBJECTS = ("the success plan", "the usage report", "the stakeholder map", "a recap email to the champion",
           "the health score drivers", "the renewal forecast", "next quarter's goals", "the open tickets",
           "the executive summary", "the training schedule", "the adoption dashboard", "the account plan",
           "the risk register", "the value story", "the expansion proposal", "the support history",
           "the survey results", "the customer's roadmap priorities", "the contract terms", "the go-live checklist")
WHENS = ("day 0", "day 1", "within 2 business days", "week 1", "week 2", "before the call", "after the call",
         "end of the month", "first week of the quarter", "30 days before renewal", "on trigger", "at the meeting")
CHANNELS = ("email", "call", "meeting", "in-app", "onsite", "other")
SYSTEMS = ("CRM", "CS platform", "Support desk", "Billing system", "In-app guidance", "Survey tool",
           "Data warehouse", "Slack", "LMS")
SIGNALS = ("Health score drops below 60", "Weekly active users fall 30% in a month", "Seat utilisation above 90%",
           "A P1 ticket stays open for 2 days", "The champion leaves the company", "A detractor NPS response",
           "The invoice is 30 days overdue", "A new department starts a trial", "Usage of a premium feature spikes")
SCHEDULES = ("every 30 days", "every 90 days", "every 6 months", "once a year", "120 days before renewal",
             "monthly", "after each product release")
MANUALS = ("Account team decides", "The CSM decides with the team lead", "On request from the customer",
           "Sales and CS agree in the account review")
FIRST_NAMES = ("Aisha", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
               "Lars", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tariq")
LAST_NAMES = ("Bello", "Novak", "Ortiz", "Schmidt", "Tanaka", "Okafor", "Lindqvist", "Moreau", "Patel", "Rossi")
ARTIFACTS = (
    "Signed order form with products, seats and term", "Success criteria with baselines and target dates",
    "Stakeholder map: sponsor, champion, admins, sceptics", "Technical notes: data sources, SSO, security",
    "Every non-standard commitment made so far", "Open risks and the plan for each", "Usage summary for the last 90 days",
    "Open support tickets and their status", "The customer's goals for the next quarter", "Renewal date and forecast",
    "Health score trend with the CSM's comment", "Training completed and planned", "Expansion opportunities noted",
)
SLAS = ("2 business days", "within 1 week", "before the next customer meeting", "same day", "5 business days")

# Sentences for page bodies; {…} are filled from the entity's context (links and names).
OPENERS = (
    "{title} exists because customers told us what they needed at this point, and we kept forgetting to do it.",
    "This page describes {title}: what it is for, who does what, and how we know it worked.",
    "{title} is owned by {owner}, who keeps this page current and answers questions about it.",
    "Most of the value of {title} comes from doing it on time, not from doing it perfectly.",
    "{title} connects what happens in {stage} with the outcomes we track in {metric}.",
    "New CSMs usually meet {title} in their first month; read it before your first customer call.",
)
SENTENCES = (
    "The customer should always know who their contact is and what happens next.",
    "Write down what was agreed in the CRM before you close the tab, not at the end of the week.",
    "If a step cannot be done on time, tell the customer early and agree a new date.",
    "{owner} reviews how this works every quarter and changes it when the numbers say so.",
    "Keep the customer's own words: a goal written in their language is easier to measure later.",
    "Accounts in {segment} often need a lighter version of this; see the notes below.",
    "When in doubt, check {playbook} first: it covers the most common variations.",
    "We track the effect of this work in {metric}, reviewed monthly by the team leads.",
    "A short written recap after every customer conversation saves hours of searching later.",
    "Do not promise features or dates that {owner} has not confirmed.",
    "The best signal that this worked is that the customer brings it up before we do.",
    "Small accounts get the same care, delivered through scaled channels such as in-app guides and webinars.",
    "Handoffs between teams happen in a live conversation, with the notes attached to the account.",
    "Every exception is written down with a reason, so that the next person understands it.",
    "If the customer's sponsor changes, restart the relationship work rather than assuming continuity.",
    "The time spent here is repaid at renewal, when the value story is already written.",
    "Ask what the customer stopped doing because of us; that answer is the value we delivered.",
    "Use the templates in the CS platform so that reports look the same across accounts.",
    "Two weeks without contact in this stage is a risk signal; raise it in the weekly account review.",
    "Celebrate progress with the customer's team, naming the people who made it happen.",
)
SUMMARIES = (
    "What we do at this point of the journey, who owns it, and how we know it worked.",
    "The moment a customer's goal becomes a shared plan, written in their words.",
    "A repeatable way to keep accounts healthy without waiting for a crisis.",
    "How information travels between teams so the customer never repeats themselves.",
    "The number that tells us whether customers reach the outcomes they bought us for.",
    "Who we serve, how we reach them, and what each team is responsible for.",
)
SUCCESS = (
    "The customer's champion confirms the result in writing",
    "The agreed goal is recorded in the success plan with a date",
    "At least 60% of the intended users were active in the last 7 days",
    "The sponsor attended the review and agreed the next step",
    "No P1 or P2 ticket is open on the account",
)
HEADINGS = ("Why this matters", "How it runs", "Who does what", "What good looks like", "Pitfalls",
            "Segment variants", "Questions to ask", "Signals to watch", "Templates and tools", "Related pages")
LIST_ITEMS = (
    "Confirm the goal with the champion and write it in the success plan.",
    "Check the account's health drivers and note anything below target.",
    "Agree the next meeting before the current one ends.",
    "Share a one-page recap with everyone who attended.",
    "Update the CRM fields that {owner} relies on for forecasting.",
    "Invite the sponsor when a decision about scope or budget is needed.",
    "Record the risk and start {playbook} when the signal persists for two weeks.",
    "Compare the current numbers with the baseline agreed at kickoff.",
    "Ask one open question about the customer's plans for the next quarter.",
    "Thank the people on the customer's side who did the work.",
    "Close the loop on every open ticket mentioned during the call.",
    "Move the account to the next stage only when the exit criteria are met.",
)
TIPS = (
    "Book the next conversation while you are still in the current one; it is the easiest commitment to get.",
    "A recap email sent within an hour is read; one sent a week later is archived.",
    "If you only have five minutes, check the health score trend and the last customer comment.",
    "Link every note to the account so that the next CSM inherits the context, not just the contract.",
    "Use the customer's vocabulary in reports; they forward them internally.",
)


class _Dumper(yaml.SafeDumper):
    """Front matter as people write it: short lists and one-key mappings inline, the rest as blocks."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(item, str | int) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = len(data) == 1 and all(isinstance(v, str) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Entity:
    kind: str
    id: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        return self.id if self.kind == "team" else self.fields["owner"]

    @property
    def folder(self) -> str:
        return "" if self.kind == "mission" else {"team": "teams", "segment": "segments", "stage": "stages",
                                                    "milestone": "milestones", "playbook": "playbooks",
                                                    "handoff": "handoffs", "metric": "metrics"}[self.kind]

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.id}.md" if self.folder else f"{self.id}.md"


@dataclass
class Plan:
    """How many of each kind a handbook of N entities gets (SPEC §2 kinds; see the README for the mix)."""

    n: int
    stages: int
    teams: int
    segments: int
    milestones: int
    metrics: int

    @classmethod
    def for_size(cls, n: int) -> Plan:
        if n < MIN_ENTITIES:
            raise ValueError(f"a benchmark handbook needs at least {MIN_ENTITIES} entities, not {n}")
        stages = min(len(STAGES), max(3, n // 15))
        return cls(n=n, stages=stages, teams=min(len(TEAMS), max(4, n // 20)), segments=len(SEGMENTS),
                   milestones=max(stages, round(n * 0.20)), metrics=max(2, round(n * 0.03)))


class Generator:
    def __init__(self, n: int):
        self.plan = Plan.for_size(n)
        self.rng = random.Random(f"journeysite-bench-{n}")
        self.used: dict[str, set[str]] = {}
        self.entities: list[Entity] = []

    # ----- naming ---------------------------------------------------------------------------------
    def unique_id(self, kind: str, wanted: str) -> str:
        taken = self.used.setdefault(kind, set())
        base = slug(wanted)[:60].strip("-")
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        return candidate

    def reviewed(self) -> str:
        return (date(2026, 1, 5) + timedelta(days=self.rng.randrange(0, 300))).isoformat()

    def raci(self, owner: str, teams: list[str], most: int = 4) -> dict[str, list[str]]:
        """Distinct teams other than the owner, split into R, C and I: so no RACI conflict can arise."""
        others = [t for t in teams if t != owner]
        chosen = self.rng.sample(others, self.rng.randint(1, min(most, len(others))))
        raci: dict[str, list[str]] = {}
        for team in chosen:
            raci.setdefault(self.rng.choice(("responsible", "consulted", "informed")), []).append(team)
        return {role: raci[role] for role in ("responsible", "consulted", "informed") if role in raci}

    # ----- the model --------------------------------------------------------------------------------
    def build(self) -> list[Entity]:
        rng, plan = self.rng, self.plan
        teams = [Entity("team", t_id, title, {
            "lead": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "contact": f"#{t_id}",
            "github": [f"@lumen/{t_id}"],
            "roles": roles,
        }) for t_id, title, roles in TEAMS[: plan.teams]]
        team_ids = [t.id for t in teams]
        for t in teams:
            self.used.setdefault("team", set()).add(t.id)

        segments = [Entity("segment", s_id, title, {
            "owner": team_ids[0], "touch": touch, "criteria": criteria, "accounts_per_csm": per_csm,
        }) for s_id, title, touch, per_csm, criteria in SEGMENTS[: plan.segments]]
        segment_ids = [s.id for s in segments]

        picks = [round(i * (len(STAGES) - 1) / (plan.stages - 1)) for i in range(plan.stages)]
        stages = [Entity("stage", STAGES[i][0], STAGES[i][1], {"owner": team_ids[STAGES[i][2] % plan.teams]})
                  for i in picks]
        for order, stage in enumerate(stages, start=1):
            stage.fields["order"] = order * 10

        metric_list = []
        for index in range(plan.metrics):
            title, direction, formula, target = METRICS[index % len(METRICS)]
            if index >= len(METRICS):
                title = f"{title}, {METRIC_QUALIFIERS[(index // len(METRICS) - 1) % len(METRIC_QUALIFIERS)]}"
                if index >= len(METRICS) * (len(METRIC_QUALIFIERS) + 1):
                    title += f" ({index})"
            metric_list.append(Entity("metric", self.unique_id("metric", title), title, {
                "owner": rng.choice(team_ids), "definition": f"{title}: {formula}, measured monthly per account.",
                "formula": formula, "target": target, "direction": direction,
            }))
        metric_ids = [m.id for m in metric_list]

        # Milestones: spread over the stages; owners come in runs, changing at about one transition in four.
        counts = [1] * plan.stages
        for _ in range(plan.milestones - plan.stages):
            counts[rng.randrange(plan.stages)] += 1
        milestones: dict[str, list[Entity]] = {}
        for stage, count in zip(stages, counts, strict=True):
            owner = stage.owner
            phrases = rng.sample(MILESTONE_PHRASES, min(count, len(MILESTONE_PHRASES)))
            milestones[stage.id] = []
            for order in range(1, count + 1):
                if order > 1 and rng.random() < 0.25:
                    owner = rng.choice([t for t in team_ids if t != owner])
                phrase = phrases[order - 1] if order <= len(phrases) else f"{rng.choice(MILESTONE_PHRASES)} {order}"
                title = f"{stage.title}: {phrase.lower()}"
                milestones[stage.id].append(Entity("milestone", self.unique_id("milestone", f"{stage.id} {phrase}"),
                                                   title, {"owner": owner, "stage": stage.id, "order": order}))

        handoffs = []
        for before, after in zip(stages, stages[1:], strict=False):
            if before.owner != after.owner:
                handoffs.append(self.handoff(before, after, team_ids, {"from_stage": before.id, "to_stage": after.id},
                                             f"{before.title} to {after.title}"))
        for stage in stages:
            chain = milestones[stage.id]
            for before, after in zip(chain, chain[1:], strict=False):
                if before.owner != after.owner:
                    handoffs.append(self.handoff(before, after, team_ids, {"milestone": before.id},
                                                 f"After {before.title.lower()}"))

        fixed = 1 + len(teams) + len(segments) + len(stages) + sum(counts) + len(metric_list) + len(handoffs)
        n_playbooks = plan.n - fixed
        if n_playbooks < len(stages):
            raise ValueError(f"{plan.n} entities leave no room for one playbook per stage")
        playbooks = [self.playbook(i, stages, milestones, team_ids, segment_ids, metric_ids)
                     for i in range(n_playbooks)]

        mission = Entity("mission", "mission", "Our Customer Success Mission", {
            "owner": team_ids[0],
            "statement": "We help every customer turn their data into decisions they trust, from the first "
                         "conversation to the tenth renewal.",
            "values": ["Outcomes over activity", "Someone always owns the moment", "Tell the customer the truth early",
                       "Hand off with context, never with a cold email"],
        })
        for stage in stages:
            stage.fields.update({
                "goal": f"The customer completes {stage.title.lower()} knowing what comes next.",
                "entry": ["The previous stage's exit criteria are met", rng.choice(ARTIFACTS)],
                "exit": [m.title for m in milestones[stage.id][:3]],
                # Free text the offsets parser leaves alone: windows would put random dues outside them.
                "duration": rng.choice(("ongoing", "as long as the customer needs", "until the exit criteria are met")),
                "metrics": rng.sample(metric_ids, min(2, len(metric_ids))),
            })
        for stage_milestones in milestones.values():
            # Dues in the milestones' order (due-out-of-order finds real contradictions, not the generator's).
            dues = sorted(rng.choice((7, 14, 30, 45, 60, 90, 120)) for _ in stage_milestones)
            for m, day in zip(stage_milestones, dues, strict=True):
                m.fields.update({
                    "success": rng.sample(SUCCESS, 2),
                    "due": f"day {day}",
                    "celebrate": "A thank-you note to the customer's team naming the people who made it happen",
                })
        all_milestones = [m for chain in milestones.values() for m in chain]
        self.entities = [mission, *teams, *segments, *stages, *all_milestones, *playbooks, *handoffs, *metric_list]
        for entity in self.entities:
            if entity.kind not in ("team", "mission") and "raci" not in entity.fields:
                entity.fields["raci"] = self.raci(entity.owner, team_ids)
        assert len(self.entities) == plan.n, (len(self.entities), plan.n)
        return self.entities

    def handoff(self, before: Entity, after: Entity, team_ids: list[str], where: dict[str, str],
                label: str) -> Entity:
        giver, receiver = before.owner, after.owner
        title = f"{label}: {TEAM_TITLES[giver]} to {TEAM_TITLES[receiver]}"
        fields = {"owner": giver, "raci": self.raci(giver, [t for t in team_ids if t != receiver], most=2),
                  "from": giver, "to": receiver, **where,
                  "artifacts": self.rng.sample(ARTIFACTS, self.rng.randint(3, 6)), "sla": self.rng.choice(SLAS)}
        return Entity("handoff", self.unique_id("handoff", f"{before.id} to {after.id}"), title, fields)

    def playbook(self, index: int, stages: list[Entity], milestones: dict[str, list[Entity]], team_ids: list[str],
                 segment_ids: list[str], metric_ids: list[str]) -> Entity:
        rng = self.rng
        covering = index < len(stages)  # the first ones give every stage a lifecycle playbook for all segments
        if covering:
            first, span, kind = index, 1, "lifecycle"
        else:
            first = rng.randrange(len(stages))
            span = min(rng.choice((1, 1, 2, 3)), len(stages) - first)
            kind = rng.choices(("lifecycle", "risk", "expansion"), weights=(5, 3, 2))[0]
        own_stages = stages[first : first + span]
        topic, fmt = rng.choice(PLAYBOOK_TOPICS), rng.choice(PLAYBOOK_FORMATS)
        title = f"{topic} {fmt}" if rng.random() < 0.5 else f"{topic} {fmt} in {own_stages[0].title.lower()}"
        pid = self.unique_id("playbook", title)
        if pid != slug(title)[:60].strip("-"):
            title = f"{title} ({pid.rsplit('-', 1)[-1]})"
        owner = own_stages[0].owner if rng.random() < 0.6 else rng.choice(team_ids)
        candidates = [m.id for s in own_stages for m in milestones[s.id]]
        roll = rng.random()
        if roll < 0.35 and candidates:
            trigger = {"milestone": rng.choice(candidates)}
        elif roll < 0.6:
            trigger = {"schedule": rng.choice(SCHEDULES)}
        elif roll < 0.85:
            trigger = {"signal": rng.choice(SIGNALS)}
        else:
            trigger = {"manual": rng.choice(MANUALS)}
        steps = []
        for _ in range(rng.randint(3, 6)):
            step: dict[str, Any] = {"do": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"}
            if rng.random() < 0.4:
                step["owner"] = rng.choice(team_ids)
            step["when"] = rng.choice(WHENS)
            step["channel"] = rng.choice(CHANNELS)
            if rng.random() < 0.15:
                step["segments"] = sorted(rng.sample(segment_ids, rng.randint(1, 2)))
            if rng.random() < 0.5:
                step["systems"] = rng.sample(SYSTEMS, rng.randint(1, 2))
            steps.append(step)
        fields: dict[str, Any] = {"owner": owner}
        if not covering:
            roll = rng.random()
            if roll < 0.03:
                fields["status"] = "draft"
            elif roll < 0.04:
                fields["status"] = "retired"
            if rng.random() < 0.25:
                fields["segments"] = sorted(rng.sample(segment_ids, rng.randint(1, 2)))
        for step in steps:  # a step runs only in segments its playbook applies to
            if "segments" in step and "segments" in fields:
                step["segments"] = [s for s in step["segments"] if s in fields["segments"]] or fields["segments"]
        fields.update({"type": kind, "stages": [s.id for s in own_stages], "trigger": trigger, "steps": steps})
        if candidates and rng.random() < 0.5:
            fields["milestones"] = rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))
        fields["metrics"] = rng.sample(metric_ids, min(len(metric_ids), rng.randint(1, 2)))
        fields["outcome"] = f"The customer {rng.choice(('reaches', 'keeps', 'sees', 'agrees'))} " \
                            f"{rng.choice(OBJECTS).removeprefix('the ')} on time."
        fields["systems"] = rng.sample(SYSTEMS, rng.randint(1, 3))
        return Entity("playbook", pid, title, fields)

    # ----- writing ----------------------------------------------------------------------------------
    def page(self, entity: Entity) -> str:
        rng = self.rng
        front: dict[str, Any] = {"kind": entity.kind, "title": entity.title, "summary": rng.choice(SUMMARIES)}
        fields = dict(entity.fields)
        for key in ("owner", "raci", "status", "segments"):
            if key in fields:
                front[key] = fields.pop(key)
        front["reviewed"] = self.reviewed()
        if rng.random() < 0.2:
            front["review_every"] = rng.choice(("quarterly", "12 months", "3 months"))
        front.update(fields)
        front["tags"] = [entity.kind] + ([entity.fields["type"]] if entity.kind == "playbook" else [])
        header = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        return f"---\n{header}---\n\n{self.body(entity)}"

    def links(self, entity: Entity) -> dict[str, str]:
        """Fill-ins for body sentences: ``[[kind:id]]`` links to real entities near this one."""
        rng = self.rng
        by_kind = self.by_kind
        stage_id = entity.fields.get("stage") or (entity.fields.get("stages") or [None])[0] \
            or entity.fields.get("from_stage") or (entity.id if entity.kind == "stage" else None) \
            or rng.choice(by_kind["stage"]).id
        return {
            "title": entity.title,
            "owner": f"[[team:{entity.owner}]]",
            "stage": f"[[stage:{stage_id}]]",
            "metric": f"[[metric:{rng.choice(by_kind['metric']).id}]]",
            "playbook": f"[[playbook:{rng.choice(by_kind['playbook']).id}]]",
            "segment": f"[[segment:{rng.choice(by_kind['segment']).id}]]",
        }

    def body(self, entity: Entity) -> str:
        """300–600 words: headings, paragraphs, a list, a table and a tip, with a few ``[[kind:id]]`` links."""
        rng = self.rng
        target = rng.randint(300, 560)  # the last paragraph overshoots by up to ~40 words
        fill = self.links(entity)
        parts = [rng.choice(OPENERS).format(**fill) + " " + " ".join(
            s.format(**fill) for s in rng.sample(SENTENCES, 3))]
        headings = rng.sample(HEADINGS, len(HEADINGS))
        parts.append(f"## {headings[0]}\n\n" + "\n".join(
            f"{i}. {item.format(**fill)}" for i, item in enumerate(rng.sample(LIST_ITEMS, rng.randint(3, 6)), 1)))
        rows = "\n".join(f"| {rng.choice(VERBS)} {rng.choice(OBJECTS)} | {rng.choice(TEAMS[: self.plan.teams])[1]} "
                         f"| {rng.choice(WHENS)} |" for _ in range(rng.randint(3, 5)))
        parts.append(f"## {headings[1]}\n\n| Step | Team | When |\n|---|---|---|\n{rows}")
        parts.append(f"!!! tip\n    {rng.choice(TIPS)}")
        next_heading = 2
        while sum(len(p.split()) for p in parts) < target:
            if next_heading < len(headings) and rng.random() < 0.5:
                parts.append(f"## {headings[next_heading]}")
                next_heading += 1
            if rng.random() < 0.35:
                parts.append("\n".join(f"- {item.format(**fill)}" for item in rng.sample(LIST_ITEMS, 3)))
            else:
                parts.append(" ".join(s.format(**fill) for s in rng.sample(SENTENCES, rng.randint(3, 5))))
        return "\n\n".join(parts) + "\n"

    def write(self, out: Path) -> None:
        entities = self.build()
        self.by_kind: dict[str, list[Entity]] = {}
        for entity in entities:
            self.by_kind.setdefault(entity.kind, []).append(entity)
        docs = out / "docs"
        if docs.exists():
            shutil.rmtree(docs)
        for entity in entities:
            path = docs / entity.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.page(entity), encoding="utf-8")
        counts = ", ".join(f"{len(v)} {k}s" for k, v in self.by_kind.items())
        (docs / "index.md").write_text(
            f"# Benchmark handbook\n\nA synthetic customer-success handbook of {len(entities)} pages ({counts}), "
            "generated by `bench/gen.py`. Start with [[mission:mission]].\n", encoding="utf-8")
        (out / "mkdocs.yml").write_text(config(self.plan.n, plugin=True), encoding="utf-8")
        (out / "mkdocs-plain.yml").write_text(config(self.plan.n, plugin=False), encoding="utf-8")
        (out / "mkdocs-plain-pruned.yml").write_text(config(self.plan.n, plugin=False, prune=True), encoding="utf-8")


def config(n: int, plugin: bool, prune: bool = False) -> str:
    """mkdocs.yml as a user writes it: material's defaults, search, and journeysite (which turns on
    ``navigation.prune`` itself). ``prune``: the plain build with that feature turned on by hand."""
    plugins = "  - search\n" + ("  - journeysite\n" if plugin else "")
    features = "  features:\n    - navigation.prune\n" if prune else ""
    return (
        f"site_name: Benchmark handbook ({n} entities)\n"
        "docs_dir: docs\n"
        f"theme:\n  name: material\n{features}"
        f"plugins:\n{plugins}"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc\n  - attr_list\n"
    )


def generate(n: int, out: Path) -> Path:
    """Write the handbook of ``n`` entities into ``out``; return ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    Generator(n).write(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help=f"number of entities (at least {MIN_ENTITIES})")
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    try:
        generate(args.n, args.outdir)
    except ValueError as exc:
        print(f"gen.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
