"""Diagram DOT is the same in every process: the cache key, so a rebuild runs dot zero times."""

from __future__ import annotations

import os
import re
import subprocess
import sys

SCRIPT = """
import sys
from journeysite.core import pipeline, relations
from journeysite.render.diagrams import dot as diagrams
diagrams.MAX_MILESTONES = 3
result = pipeline.run(sys.argv[1])
for key, diagram in sorted(diagrams.all_diagrams(result.handbook, relations.build(result.handbook), result.gap_entities).items(),
                           key=lambda item: str(item[0])):
    print(diagram.dot)
"""


def _write(project):
    hb = project()
    hb.write("teams/cs.md", "---\nkind: team\ntitle: CS\n---\n")
    hb.write("teams/ops.md", "---\nkind: team\ntitle: Ops\n---\n")
    hb.write("stages/one.md", "---\nkind: stage\ntitle: One\nowner: cs\norder: 1\n---\n")
    owners = ["cs"] * 4 + ["ops"] + ["cs"] * 4
    for i, owner in enumerate(owners, 1):
        hb.write(f"milestones/m{i}.md",
                 f"---\nkind: milestone\ntitle: M{i}\nowner: {owner}\nstage: one\norder: {i}\n---\n")
    return hb


def test_dot_is_identical_across_processes_with_hidden_milestones(project):
    hb = _write(project)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(hb.docs)], capture_output=True, text=True,
                              env=env, check=True)
        outputs.append(done.stdout)
    assert "more milestone" in outputs[0]
    assert outputs[0] == outputs[1]


def test_each_run_of_hidden_milestones_is_its_own_node(project):
    hb = _write(project)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(hb.docs)], capture_output=True, text=True, check=True)
    journey = done.stdout.split("digraph ")[1]
    # M1 … M9 with a change of owner at M4 → M5 → M6: two runs of hidden milestones, two placeholders.
    names = set(re.findall(r"\b(stage_one__more\w+) \[", journey))
    assert len(names) == 2
