"""``mkdocs serve`` keeps the model while its inputs stay the same (``pipeline.Memo``, #18): an edit of a
page's body gives back the last result; anything the model is made of makes it anew, as a fresh run."""

from __future__ import annotations

import os
from pathlib import Path

from small_handbook import CS_TEAM, GO_LIVE, ONBOARDING, WELCOME

from journeysite.core import pipeline, relations


def handbook(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    for name, text in {"teams/customer-success.md": CS_TEAM, "stages/onboarding.md": ONBOARDING,
                       "milestones/go-live.md": GO_LIVE, "playbooks/welcome.md": WELCOME}.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def body_links_to(result: pipeline.Result, key: str) -> list[str]:
    """The pages whose body links to ``key``."""
    found = relations.build(result.handbook).backlinks.get(key, [])
    return [link.source.key for link in found if link.field == ("body",)]


def as_found(result: pipeline.Result) -> list[tuple[str, str, int, str]]:
    return [(d.code, d.file, d.line, d.message) for d in result.diagnostics]


def test_a_body_edit_gives_back_the_last_model_and_anything_else_makes_it_again(tmp_path):
    docs = handbook(tmp_path)
    memo = pipeline.Memo()
    first = pipeline.run(docs, memo=memo)
    playbook = docs / "playbooks" / "welcome.md"

    playbook.write_text(WELCOME + "\nA paragraph with no link.\n", encoding="utf-8")
    assert pipeline.run(docs, memo=memo) is first

    # A link written in the body: the team page lists the playbook among its backlinks now.
    playbook.write_text(WELCOME + "\nAsk [[team:customer-success]].\n", encoding="utf-8")
    linked = pipeline.run(docs, memo=memo)
    assert linked is not first
    assert "playbook:welcome" in body_links_to(linked, "team:customer-success")
    assert "playbook:welcome" not in body_links_to(first, "team:customer-success")

    # A mistake in the front matter: reported at its line, as a run without the memo reports it.
    broken = "---\nkind: playbook\ntitle: Welcome\n\nowner: nobody-we-know\n---\n"
    playbook.write_text(broken, encoding="utf-8")
    found = pipeline.run(docs, memo=memo)
    assert any(d.code == "unknown-ref" and d.line == 5 for d in found.diagnostics), as_found(found)
    assert as_found(found) == as_found(pipeline.run(docs)), "the memo's result differs from a fresh run"

    # Another day, or other settings: made again.
    assert pipeline.run(docs, memo=memo) is found
    later = pipeline.run(docs, memo=memo, today=found.today.replace(year=found.today.year + 1))
    assert later is not found and later.today != found.today

    # A page added, one removed.
    (docs / "teams" / "support.md").write_text("---\nkind: team\ntitle: Support\n---\n", encoding="utf-8")
    added = pipeline.run(docs, memo=memo)
    assert added.handbook.get("team", "support") is not None
    (docs / "teams" / "support.md").unlink()
    assert pipeline.run(docs, memo=memo).handbook.get("team", "support") is None


def test_a_memo_never_hides_a_diagnostic_of_the_run_it_stands_for(tmp_path):
    docs = handbook(tmp_path)
    memo = pipeline.Memo()
    (docs / "stages" / "onboarding.md").write_text(ONBOARDING + "\n[[milestone:go-lve]]\n", encoding="utf-8")
    first = pipeline.run(docs, memo=memo)
    assert [d.line for d in first.diagnostics if d.code == "unknown-ref"] == [8]
    # Blank lines above the link: only where the body starts moved, and the line reported with it.
    (docs / "stages" / "onboarding.md").write_text(ONBOARDING + "\n\n\n[[milestone:go-lve]]\n", encoding="utf-8")
    moved = pipeline.run(docs, memo=memo)
    assert [d.line for d in moved.diagnostics if d.code == "unknown-ref"] == [10]
    (docs / "stages" / "onboarding.md").write_text(ONBOARDING + "\n[[milestone:go-live]]\n", encoding="utf-8")
    fixed = pipeline.run(docs, memo=memo)
    assert fixed is not first and not any(d.code == "unknown-ref" for d in fixed.diagnostics)


def test_a_page_saved_again_is_read_again_however_it_was_saved(tmp_path):
    docs = handbook(tmp_path)
    memo = pipeline.Memo()
    stage = docs / "stages" / "onboarding.md"
    pipeline.run(docs, memo=memo)
    # The same size, written in place a second later (an editor's save).
    stage.write_text(ONBOARDING.replace("Onboarding", "Onboardinx"), encoding="utf-8")
    later = stage.stat().st_mtime_ns + 1_000_000_000
    os.utime(stage, ns=(later, later))
    assert pipeline.run(docs, memo=memo).handbook.get("stage", "onboarding").title == "Onboardinx"
    # Replaced by a file of the same size and modification time (`cp -p`, an archive unpacked).
    other = tmp_path / "onboarding.md"
    other.write_text(ONBOARDING.replace("Onboarding", "Onboardinz"), encoding="utf-8")
    os.utime(other, ns=(later, later))
    other.replace(stage)
    assert pipeline.run(docs, memo=memo).handbook.get("stage", "onboarding").title == "Onboardinz"
    # Turned into a symbolic link: refused as a fresh run refuses it, never read through.
    secret = tmp_path / "secret.md"
    secret.write_text(ONBOARDING.replace("Onboarding", "Secret"), encoding="utf-8")
    stage.unlink()
    stage.symlink_to(secret)
    linked = pipeline.run(docs, memo=memo)
    assert "stages/onboarding.md" in linked.refused and linked.handbook.get("stage", "onboarding") is None
    assert as_found(linked) == as_found(pipeline.run(docs))
