"""Scaffolding for ``journeysite new``: a new page of a kind, with its required fields and commented options."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from journeysite.core import neutral, placeholders, schema
from journeysite.core.diagnostics import did_you_mean
from journeysite.core.model import SLUG_RE, Handbook
from journeysite.core.reading import frontmatter
from journeysite.core.writing import Exists, create_file

# Exit statuses the command line uses for each refusal (SPEC §5).
EXISTS, USAGE = 1, 2
# What only the author can choose is written as a placeholder (core/placeholders.py), never as the first
# id found: `journeysite check` reports each one, with the ids that fit, until it is replaced.
OWNER_PLACEHOLDER = placeholders.ref("team")
STAGE_PLACEHOLDER = placeholders.ref("stage")
TEAM_PLACEHOLDER = placeholders.ref("team")
_HANDOFFS_SUGGESTED = 3  # uncovered changes of owner a new handoff's note names
_COMMENT_WIDTH = 96
_NOT_FIELDS = {"kind", "id", "title"}  # written first, or not at all (the file name is the id)

# A Markdown outline per kind: (heading, the prompt under it). The prompts are for the author to replace.
OUTLINES: dict[str, tuple[tuple[str, str], ...]] = {
    "mission": (
        ("Why this mission", "Say what customers buy us for, and why this mission serves them."),
        ("How to use the mission when nobody tells you what to do", "Give the questions to ask, in order."),
        ("What the values mean in practice", "One example of each value in action."),
        ("How we know it is working", "Name the metrics that show the mission is alive."),
    ),
    "team": (
        ("What we do in the journey", "The moments this team owns and the work it does for customers."),
        ("Roles", "Who is in the team and what each role is responsible for."),
        ("Working with us", "How other teams reach us, what we need from them, and what they can expect."),
    ),
    "segment": (
        ("Who is in this segment", "The accounts that belong here and why they are served this way."),
        ("Touch model", "How we reach these customers: people, programmes, automation."),
        ("How a customer in this segment experiences the journey", "What differs from other segments."),
        ("What good looks like", "The signs that this segment is well served."),
        ("Pitfalls", "Mistakes to avoid with these customers."),
    ),
    "stage": (
        ("Goal", "What the customer achieves in this stage, in their words."),
        (
            "Entry and exit",
            "How a customer arrives in this stage and how we know they are ready to leave it.",
        ),
        ("What happens in this stage", "The milestones, playbooks and handoffs, in order."),
        ("What good looks like", "The signs that a customer is doing well here."),
        ("Pitfalls", "Mistakes that slow customers down in this stage."),
    ),
    "milestone": (
        ("Why this moment matters", "What reaching this milestone means for the customer."),
        ("How we know it is reached", "The evidence, and who confirms it."),
        ("What happens next", "The playbook or handoff that follows."),
        ("Pitfalls", "Ways this milestone is reached on paper but not in reality."),
    ),
    "playbook": (
        ("Purpose", "The customer problem this playbook solves, and the outcome it aims for."),
        ("When to run it", "The trigger in detail, and when not to run it."),
        ("Steps in detail", "What each step involves: templates, talking points, systems."),
        ("What good looks like", "How you know the playbook has done its job."),
    ),
    "handoff": (
        ("Why this handoff matters", "What the customer loses if this handoff goes wrong."),
        ("How it runs", "Who does what, in order, and within what time."),
        ("What travels", "The information the receiving team needs, and where it lives."),
        ("Pitfalls", "How this handoff usually fails."),
    ),
    "metric": (
        ("What it tells us", "The question this metric answers, and who acts on it."),
        ("How it is measured", "Data sources, frequency and caveats."),
        ("How to move it", "The playbooks and habits that improve it."),
    ),
}


class ScaffoldError(Exception):
    """``new`` cannot write the page; ``status`` is the exit status (1: it exists, 2: bad arguments)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass
class NewPage:
    """A page to write: where (relative to docs_dir), its text, and notes for the author."""

    file: str
    text: str
    notes: list[str] = field(default_factory=list)


def humanise(entity_id: str) -> str:
    """Return an id as a title: ``go-live`` → ``Go live``."""
    words = entity_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def check_arguments(kind: str, entity_id: str, owner: str | None) -> None:
    """Raise ScaffoldError (status 2) unless ``kind`` is a kind and the ids are slugs."""
    if kind not in schema.KINDS:
        raise ScaffoldError(
            f"`{kind}` is not a kind of page.{did_you_mean(kind, schema.KINDS)} Kinds: {', '.join(schema.KINDS)}",
            USAGE,
        )
    if not SLUG_RE.match(entity_id):
        raise ScaffoldError(
            f"`{neutral.line(entity_id)}` cannot be an id: use lower-case letters and digits, words joined by single "
            "hyphens, e.g. go-live",
            USAGE,
        )
    if owner is not None and not SLUG_RE.match(owner):
        raise ScaffoldError(
            f"`--owner {neutral.line(owner)}` must be the id of a team page (lower-case letters and digits, words joined "
            "by single hyphens), e.g. customer-success, not its title",
            USAGE,
        )


def folder_for(handbook: Handbook, kind: str) -> str:
    """Where pages of ``kind`` live: the folder (relative to docs_dir) holding most of them.

    With none yet, ``<kind>s/``; the one mission defaults to the top of docs_dir.
    """
    folders = Counter(PurePosixPath(e.file).parent.as_posix() for e in handbook.of_kind(kind))
    if folders:
        # Most pages first; on a tie the shortest, then alphabetical, so the choice is stable.
        best = min(folders, key=lambda f: (-folders[f], f.count("/"), f))
        return "" if best == "." else best
    return "" if kind == "mission" else f"{kind}s"


def plan(
    handbook: Handbook,
    kind: str,
    entity_id: str,
    title: str | None = None,
    owner: str | None = None,
    today: date | None = None,
    review_every: str = "6 months",
) -> NewPage:
    """Return the new page for ``kind:entity_id``; raise ScaffoldError when it cannot or must not be written."""
    check_arguments(kind, entity_id, owner)
    existing = handbook.get(kind, entity_id)
    if existing is not None:
        raise ScaffoldError(f"there is already a {kind} `{entity_id}`: {existing.file}", EXISTS)
    if kind == "mission" and handbook.mission is not None:
        raise ScaffoldError(
            f"the handbook already has a mission ({handbook.mission.file}); there can be only one", EXISTS
        )
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise ScaffoldError("`--title` must not be empty", USAGE)
    folder = folder_for(handbook, kind)
    file = f"{folder}/{entity_id}.md" if folder else f"{entity_id}.md"
    notes: list[str] = []
    writer = _FrontMatterWriter(handbook, kind, review_every)
    writer.field("kind", kind, describe=False)
    writer.field("title", title or humanise(entity_id), describe=False)
    if kind != "team" or owner:
        if owner is None:
            owner = OWNER_PLACEHOLDER
        elif handbook.get("team", owner) is None:
            notes.append(
                f"there is no team `{owner}` yet: add its page (journeysite new team {owner}) "
                "before `journeysite check` passes"
            )
        writer.field("owner", owner)
    for name, value in _own_required(handbook, kind, notes).items():
        if name == "steps":
            writer.steps(value)
        else:
            writer.field(name, value)
    # A draft until its owner agrees it: shown with the Draft banner, not "verified", and never reviewed
    # on the day it was scaffolded (SPEC §2: drafts still take part in the journey and its analysis).
    writer.field("status", "draft")
    notes.append(
        "the page is a draft: when its owner has agreed it, remove `status: draft` and record the review "
        "with `journeysite review --mark` and the page's path"
    )
    writer.today = (today or date.today()).isoformat()
    writer.optional_fields()
    body = "\n".join(f"## {heading}\n\n_{prompt}_\n" for heading, prompt in OUTLINES[kind])
    text = f"---\n{writer.text()}---\n\n{body}"
    left = placeholders_in(text)
    if left:
        notes.insert(
            0,
            f"fill in the {plural_placeholders(len(left))} marked TODO ({', '.join(left)}): "
            "`journeysite check` reports each one, with the ids that fit, until it is replaced",
        )
    return NewPage(file, text, notes)


def placeholders_in(text: str) -> list[str]:
    """The fields of a page's front matter that still hold a placeholder (``steps[0].do``), in order."""
    source, _, _ = frontmatter.split(text)
    data = frontmatter.parse(source).data if source is not None else None
    return [schema.field_name(path) for path, _ in placeholders.paths(data)]


def plural_placeholders(count: int) -> str:
    return "placeholder" if count == 1 else f"{count} placeholders"


def _own_required(handbook: Handbook, kind: str, notes: list[str]) -> dict[str, Any]:
    """The kind's own required fields: placeholders wherever the author must choose, never a guess.

    A stage's ``order`` is the one value worked out (after the last stage: right until someone
    reorders); a milestone's is 1 until its stage is chosen, and ``check`` names a clash then.
    """
    if kind == "mission":
        return {"statement": placeholders.text("say in one or two sentences what we do for every customer.")}
    if kind == "team":
        return {"lead": placeholders.text("the name of the team's lead, the person to ask")}
    if kind == "segment":
        return {"touch": placeholders.text("high, medium, low or tech")}
    if kind == "stage":
        orders = [s.order for s in handbook.of_kind("stage")]
        return {"order": max(orders, default=0) + 1}
    if kind == "milestone":
        return {"stage": STAGE_PLACEHOLDER, "order": 1}
    if kind == "playbook":
        return {
            "type": placeholders.text("lifecycle, risk or expansion"),
            "stages": [STAGE_PLACEHOLDER],
            "trigger": placeholders.text(
                "what starts it: {milestone: ID}, {schedule: every 90 days}, {signal: …} or {manual: …}"
            ),
            "steps": [{"do": placeholders.text("the first thing to do, e.g. Send the kickoff agenda")}],
        }
    if kind == "handoff":
        notes.extend(_uncovered_handoffs(handbook))
        return {
            "from": TEAM_PLACEHOLDER,
            "to": TEAM_PLACEHOLDER,
            "from_stage": STAGE_PLACEHOLDER,
            "to_stage": STAGE_PLACEHOLDER,
        }
    if kind == "metric":
        return {"definition": placeholders.text("say what this metric measures, in plain words.")}
    return {}


def _uncovered_handoffs(handbook: Handbook) -> list[str]:
    """A note naming the changes of owner between stages that no handoff covers yet: what a new
    handoff most likely describes (the author chooses; nothing is filled in from it)."""
    stages = [s for s in handbook.stages if s.active and not placeholders.is_placeholder(s.owner)]
    covered = {(h.text("from_stage"), h.text("to_stage")) for h in handbook.of_kind("handoff") if h.active}
    uncovered = [
        f"{a.id} → {b.id} ({a.owner} to {b.owner})"
        for a, b in zip(stages, stages[1:], strict=False)
        if a.owner and b.owner and a.owner != b.owner and (a.id, b.id) not in covered
    ]
    if not uncovered:
        return []
    shown = "; ".join(uncovered[:_HANDOFFS_SUGGESTED])
    more = (
        f"; and {len(uncovered) - _HANDOFFS_SUGGESTED} more" if len(uncovered) > _HANDOFFS_SUGGESTED else ""
    )
    return [f"changes of owner between stages that no handoff covers yet: {neutral.line(shown + more)}"]


def _flow(value: Any) -> str:
    """A value as one line of YAML (quoted where YAML would misread it)."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False)
    if dumped.endswith("\n...\n"):
        dumped = dumped[: -len("\n...\n")]
    return dumped.strip()


class _FrontMatterWriter:
    """Writes the front matter: required fields with their descriptions, then every optional field commented."""

    def __init__(self, handbook: Handbook, kind: str, review_every: str):
        self.handbook = handbook
        self.kind = kind
        self.schema = schema.raw(kind)
        self.review_every = review_every
        self.lines: list[str] = []
        self.written: set[str] = set()
        self.today = date.today().isoformat()

    def field(self, name: str, value: Any, describe: bool = True, raw: bool = False) -> None:
        if describe:
            self._describe(name)
        self.lines.append(f"{name}: {value if raw else _flow(value)}")
        self.written.add(name)

    def steps(self, steps: list[dict[str, Any]]) -> None:
        """``steps:`` as a block list (how people write steps), each step followed by its optional
        fields as commented examples, so the first step shows everything a step can say."""
        self._describe("steps")
        self.lines.append("steps:")
        step_fields = schema.raw(schema.COMMON)["$defs"]["step"]["properties"]
        for step in steps:
            first, *rest = [f"{name}: {_flow(value)}" for name, value in step.items()]
            self.lines.append(f"  - {first}")
            self.lines += [f"    {line}" for line in rest]
            self.lines += [
                "    # Optional for each step: who does it (default: the playbook's owner), when, how,",
                "    # for which segments, with which systems and how long it takes.",
            ]
            example = self._example_value("steps")[0]
            self.lines += [
                f"    # {name}: {_flow(example[name] if name in example else self._step_example(name))}"
                for name in step_fields
                if name not in step
            ]
        self.written.add("steps")

    def _step_example(self, name: str) -> Any:
        return {"segments": [self._first("segment", "enterprise")], "systems": ["CRM"]}.get(name, "")

    def optional_fields(self) -> None:
        optional = [n for n in self.schema.get("properties", {}) if n not in self.written | _NOT_FIELDS]
        if not optional:
            return
        self.lines += ["", "# Optional fields: remove the `# ` before the ones you need and fill them in."]
        for name in optional:
            self.lines.append("#")
            self._describe(name)
            self.lines += [f"# {line}" for line in self._example(name)]

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def _describe(self, name: str) -> None:
        help_text = schema.property_help(self.schema, name)
        if help_text:
            self.lines += [
                f"# {line}" for line in textwrap.wrap(help_text, _COMMENT_WIDTH - 2, break_on_hyphens=False)
            ]

    def _example(self, name: str) -> list[str]:
        value = self._example_value(name)
        if name == "steps":
            dumped = yaml.safe_dump(
                {name: value}, default_flow_style=False, allow_unicode=True, sort_keys=False
            )
            return dumped.rstrip("\n").split("\n")
        return [f"{name}: {_flow(value)}"]

    def _first(self, kind: str, fallback: str) -> str:
        ids = sorted(self.handbook.entities.get(kind, {}))
        return ids[0] if ids else fallback

    def _example_value(self, name: str) -> Any:
        team = self._first("team", "customer-success")
        examples: dict[str, Any] = {
            "summary": f"One line on what this {self.kind} is.",
            "owner": team,
            "raci": {"responsible": [], "consulted": [], "informed": []},
            "segments": [self._first("segment", "enterprise")],
            "review_every": self.review_every,
            "reviewed": self.today,
            "reviewed_by": "Your name",
            "status": "draft",
            "tags": [self.kind],
            "values": ["Outcomes over activity"],
            "lead": "The team lead's name",
            "contact": "#channel or team@example.com",
            "github": ["@org/team-name"],
            "handles": ["@group/team-name"],
            "headcount": 8,
            "roles": ["CSM"],
            "criteria": [
                "What puts an account in this segment",
                {"measure": "ARR", "min": 20000, "max": 100000, "unit": "USD"},
            ],
            "accounts_per_csm": 25,
            "accounts": 400,
            "goal": "What the customer achieves in this stage.",
            "entry": ["What must be true to enter this stage"],
            "exit": ["What must be true to leave this stage"],
            "duration": "first 90 days",
            "metrics": [self._first("metric", "time-to-value")],
            "success": ["How the customer and the team know it is reached"],
            "due": "day 30",
            "celebrate": "How we celebrate it with the customer.",
            "steps": [
                {
                    "do": "The first action",
                    "owner": team,
                    "when": "day 0",
                    "channel": "email",
                    "effort": "30 minutes",
                }
            ],
            "milestones": [self._first("milestone", "go-live")],
            "outcome": "What is true when the playbook has done its job.",
            "systems": ["CRM", "CS platform"],
            "milestone": self._first("milestone", "go-live"),
            "artifacts": ["Success criteria", "Stakeholder map"],
            "sla": "2 business days",
            "formula": "How it is calculated",
            "target": "110%",
            "direction": "up",
            "segment_owners": {self._first("segment", "enterprise"): team},
            "accept": [{"code": "uncovered-cell", "reason": "Why this finding is right for us."}],
            "order": 1,
            "moves_to": [self._first("segment", "mid-market")],
            "from_segment": self._first("segment", "scale"),
            "to_segment": self._first("segment", "mid-market"),
            "when": "What moves the customer, e.g. annual spend passes 50,000 USD",
        }
        if name in examples:
            return examples[name]
        kind = schema._resolve(self.schema.get("properties", {}).get(name, {})).get("type")
        return {"array": [], "object": {}, "integer": 1, "number": 1}.get(
            kind if isinstance(kind, str) else "", ""
        )


def write_new(docs_dir: Path, page: NewPage) -> Path:
    """Write the page under ``docs_dir`` atomically, never replacing a file; return its path."""
    root = Path(docs_dir).resolve()
    path = root / page.file
    nearest = path.parent
    while not nearest.exists() and nearest != root:
        nearest = nearest.parent
    if not _inside(nearest, root):
        raise ScaffoldError(f"{page.file} would be written outside the docs folder {root}", EXISTS)
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{path} already exists; journeysite new never overwrites a page", EXISTS)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _inside(path.parent, root):
        raise ScaffoldError(f"{page.file} would be written outside the docs folder {root}", EXISTS)
    try:
        create_file(path, page.text.encode("utf-8"))
    except Exists:
        raise ScaffoldError(
            f"{path} already exists; journeysite new never overwrites a page", EXISTS
        ) from None
    return path


def _inside(folder: Path, root: Path) -> bool:
    return folder.resolve().is_relative_to(root)
