"""The command line: ``journeysite check``, ``schema`` … — a thin door onto the pipeline."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from journeysite.cli import report
from journeysite.core import neutral, pipeline, schema
from journeysite.core.analysis.review import DEFAULT_WITHIN
from journeysite.core.diagnostics import ERROR, WARNING
from journeysite.core.settings import ConfigError, Project, read_config

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan", "file": None}

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="The MkDocs configuration file (default: mkdocs.yml in the current folder).",
)


T = TypeVar("T")


def _run(call: Callable[[], T]) -> T:
    """``call()`` (a pipeline run), or exit 2 on a setting the handbook contradicts (``start_here_team``)."""
    try:
        return call()
    except ConfigError as exc:
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _project(config_file: str | None) -> Project:
    try:
        project = read_config(config_file)
    except ConfigError as exc:
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if not project.plugin_listed:
        click.echo(
            f"journeysite: note: {project.config_file.name} does not list the journeysite plugin; "
            "using its default settings",
            err=True,
        )
    return project


class _Commands(click.Group):
    """The commands, with ``generate`` imported only when it is run or listed: it loads the site
    renderer and Markdown, a third of the time ``check`` takes on a small handbook."""

    _LAZY = {"generate": ("journeysite.cli.generate", "generate_command")}  # name: (module, attribute)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._LAZY and cmd_name not in self.commands:
            import importlib

            module, attribute = self._LAZY[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attribute))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="journeysite")
def main() -> None:
    """Check, review and scaffold a journeysite customer-success handbook."""


@main.command()
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for PR annotations, "
    "gitlab for a Code Quality report (JSON) shown in the merge request.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, like `mkdocs build --strict`.")
def check(config_file: str | None, fmt: str, strict: bool) -> None:
    """Validate every page and report problems, without building the site."""
    project = _project(config_file)
    # What the run makes (pages, nodes, the model) lives until the process ends, a few lines below:
    # collecting cycles while it piles up only re-scans it (a tenth of the time of a large check), and
    # frozen, the collection at exit skips it too. Reference counting still frees what is let go.
    gc.disable()
    try:
        result = _run(lambda: pipeline.run_project(project, review_status=False, keep_parsed=True))
    finally:
        gc.freeze()
        gc.enable()
    diagnostics = list(result.diagnostics)
    if (project.config_file.parent / "zensical.toml").is_file():  # `zensical build` would drop us
        from journeysite.cli.generate import zensical_warning  # (it imports the site renderer: only then)

        diagnostics.extend(filter(None, [zensical_warning(project)]))
    if fmt == "json":
        click.echo(report.as_json(diagnostics, result.handbook))
    elif fmt == "github":
        output = report.github(diagnostics, project.docs_dir)
        if output:
            click.echo(output)
    elif fmt == "gitlab":
        from journeysite.cli.codeowners import repository_root

        click.echo(report.gitlab(diagnostics, project.docs_dir, repository_root(project.config_file)))
    else:
        colour = sys.stdout.isatty()

        def style(text: str, kind: str) -> str:
            if not colour:
                return text
            return click.style(text, fg=_COLOURS.get(kind), bold=kind == "file")

        pages = len(result.handbook.pages)
        click.echo(report.text(diagnostics, pages, project.docs_dir, style, len(result.accepted)))
    failing = {ERROR, WARNING} if strict else {ERROR}
    sys.exit(EXIT_PROBLEMS if any(d.severity in failing for d in diagnostics) else EXIT_OK)


@main.command("schema")
@click.argument("kind", required=False, type=click.Choice(schema.KINDS))
def schema_command(kind: str | None) -> None:
    """Print the JSON Schema of a page KIND (or of every kind) for editors."""
    document = schema.bundled(kind) if kind else schema.bundled_all()
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


_REVIEW_COLOURS = {"overdue": "red", "never": "magenta", "due-soon": "yellow"}


@main.command("review")
@config_option
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Review as of this day (default: today).")
@click.option(
    "--within",
    type=click.IntRange(min=0),
    default=DEFAULT_WITHIN,
    show_default=True,
    metavar="DAYS",
    help="Also list pages whose review falls due within DAYS.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for an issue opened by scheduled CI, json for tools.",
)
@click.option("--fail-on-overdue", is_flag=True, help="Exit 1 when any page is overdue.")
@click.option(
    "--forge",
    type=click.Choice(["github", "gitlab"]),
    default=None,
    help="Whose handles to mention, and how (GitLab: @group/subgroup/team) "
    "[default: gitlab when repo_url in mkdocs.yml is on a gitlab host, else github].",
)
@click.option(
    "--mark",
    is_flag=True,
    help="Record a review: set `reviewed:` to today (and `reviewed_by:`) in each PATH.",
)
@click.option(
    "--by",
    "by",
    metavar="NAME",
    default=None,
    help="With --mark: who reviewed, recorded as `reviewed_by:` (default: your git user.name).",
)
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path())
@click.pass_context
def review_command(
    ctx: click.Context,
    config_file: str | None,
    today_text: str | None,
    within: int,
    fmt: str,
    fail_on_overdue: bool,
    forge: str | None,
    mark: bool,
    by: str | None,
    paths: tuple[str, ...],
) -> None:
    """List the pages due for review, by owner team; or, with --mark, record that PATH pages were reviewed."""
    # imported here, not at the top: only this command needs them
    from datetime import date
    from pathlib import Path

    from click.core import ParameterSource

    from journeysite.cli import mark as marking
    from journeysite.cli import review_report
    from journeysite.core.analysis import dates

    today = dates.parse_date(today_text) if today_text is not None else date.today()
    if today is None:
        raise click.BadParameter(
            f"{today_text!r} is not a date: write it as YYYY-MM-DD", param_hint="'--today'"
        )
    if mark:
        options = {
            "within": "--within",
            "fmt": "--format",
            "fail_on_overdue": "--fail-on-overdue",
            "forge": "--forge",
        }
        given = [
            flag
            for name, flag in options.items()
            if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT
        ]
        if given:
            raise click.UsageError(f"--mark takes only PATHs, --by, --today and -f, not {', '.join(given)}")
        if not paths:
            raise click.UsageError(
                "--mark needs the path of at least one page, e.g. review --mark content/x.md"
            )
        if by is not None:
            try:
                by = marking.reviewer(by)
            except marking.BadReviewer as exc:
                raise click.BadParameter(str(exc), param_hint="'--by'") from None
        project = _project(config_file)
        if by is None:
            by = marking.git_user_name(project.docs_dir)
            if by is not None:
                click.echo(
                    f"journeysite: recording {neutral.line(by)} (your git user.name) as the reviewer; "
                    "--by NAME names someone else",
                    err=True,
                )
        failed = False
        for path in paths:
            try:
                marked = marking.mark(Path(path), project.docs_dir, today, by)
            except (marking.NotMarkable, OSError) as exc:
                reason = exc if isinstance(exc, marking.NotMarkable) else f"cannot be written: {exc}"
                click.echo(f"journeysite: {neutral.line(path)}: {reason}", err=True)
                failed = True
                continue
            was = (
                "added `reviewed:`"
                if marked.previous is None
                else f"was {neutral.line(marked.previous.strip() or 'empty')}"
            )
            if marked.previous_by:
                was += f" by {neutral.line(marked.previous_by)}"
            who = f" by {neutral.line(by)}" if by else ""
            click.echo(f"{neutral.line(path)}: reviewed {today.isoformat()}{who} ({was})")
        sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)
    if by is not None:
        raise click.UsageError("--by goes with --mark: review --mark PATH… --by NAME")
    if paths:
        raise click.UsageError(f"got {paths[0]!r}: PATH arguments are only for --mark (review --mark PATH…)")
    from journeysite.cli import forge as forges

    project = _project(config_file)
    forge = forge or forges.from_repo_url(project.repo_url)
    result = _run(lambda: review_report.run(project, today, within))
    for note in result.notes:
        click.echo(f"journeysite: note: {note}", err=True)
    if fmt == "json":
        click.echo(review_report.as_json(result))
    elif fmt == "markdown":
        try:
            links = review_report.links_for(project, forge)
        except ConfigError as exc:
            click.echo(f"journeysite: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        click.echo(review_report.markdown(result, links).rstrip("\n"))
    else:
        colour = sys.stdout.isatty()

        def style(text: str, kind: str) -> str:
            if not colour:
                return text
            return click.style(text, fg=_REVIEW_COLOURS.get(kind), bold=kind == "team")

        click.echo(review_report.text(result, project.docs_dir, style, forge))
    sys.exit(EXIT_PROBLEMS if fail_on_overdue and result.overdue else EXIT_OK)


@main.command("new")
@config_option
@click.argument("kind")
@click.argument("entity_id", metavar="ID")
@click.option(
    "--title", default=None, help="The page title (default: the id made readable, go-live → Go live)."
)
@click.option(
    "--owner", default=None, help="The id of the owning team (default: a placeholder check reports)."
)
def new_command(
    config_file: str | None, kind: str, entity_id: str, title: str | None, owner: str | None
) -> None:
    """Write a new page of KIND with id ID where that kind's pages live; never overwrites.

    KIND is one of: mission, team, segment, stage, milestone, playbook, handoff, metric. The page
    is a draft with the kind's required fields, its optional fields as comments and an outline to
    write in. What only you can choose (the owner, the stages, the trigger…) is a placeholder marked
    TODO, never a guess: `journeysite check` reports each one until it is replaced. The path
    written is printed.
    """
    from journeysite.cli import new as scaffold

    try:
        scaffold.check_arguments(kind, entity_id, owner)
    except scaffold.ScaffoldError as exc:
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(exc.status)
    project = _project(config_file)
    result = _run(lambda: pipeline.run_project(project))
    try:
        page = scaffold.plan(
            result.handbook, kind, entity_id, title, owner, review_every=project.settings.review_every
        )
        scaffold.write_new(project.docs_dir, page)
    except scaffold.ScaffoldError as exc:
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(exc.status)
    except OSError as exc:
        click.echo(
            f"journeysite: cannot write {page.file} in {project.docs_dir}: {exc.strerror or exc}", err=True
        )
        sys.exit(EXIT_PROBLEMS)
    click.echo(report.display_path(project.docs_dir, page.file))
    for note in page.notes:
        click.echo(f"journeysite: note: {note}", err=True)
    sys.exit(EXIT_OK)


@main.command("codeowners")
@config_option
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Exit 1 when the committed CODEOWNERS file is missing or out of date.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the file there (with --check: the file to compare; default .github/CODEOWNERS, "
    "with --format gitlab .gitlab/CODEOWNERS).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["github", "gitlab"]),
    default="github",
    show_default=True,
    help="github: GitHub's syntax; gitlab: GitLab's, with a section per owner team.",
)
def codeowners_command(config_file: str | None, check_only: bool, output: str | None, fmt: str) -> None:
    """Print a CODEOWNERS file: every path owned by the default team (the `codeowners_default`
    setting, else the mission's owner), each entity page by its owner team's handles (`github` or
    `handles`); with --format gitlab, in GitLab's syntax, a section per owner team.

    Paths start at the git top level (outside git: the folder of mkdocs.yml). Pages whose owner
    team has no handles fall back to the default team and are named on stderr, as are handles that
    are not the forge's. With --check, exit 1 also when some path would have no owner.
    """
    from pathlib import Path

    from journeysite.cli import codeowners
    from journeysite.cli import forge as forges

    forge_name = forges.NAMES[fmt]
    field = "`handles:`" if fmt == "gitlab" else "`github:` (or `handles:`)"
    project = _project(config_file)
    result = _run(lambda: pipeline.run_project(project))
    root = codeowners.repository_root(project.config_file)
    generated = codeowners.generate(
        result.handbook, project.docs_dir, root, project.settings.codeowners_default, fmt
    )
    ownerless = not generated.default_handles
    if ownerless:
        team = f"the team `{neutral.line(generated.default_team)}`" if generated.default_team else "no team"
        click.echo(
            f"journeysite: every path outside the entity pages (workflows, mkdocs.yml, plain pages) needs "
            f"an owner, but {team} with {forge_name} handles is the default: set the journeysite option "
            f"`codeowners_default` to a team with {field} handles (it defaults to the mission's owner)",
            err=True,
        )
    if generated.not_handles:
        wrong = "; ".join(f"{team}: {', '.join(h)}" for team, h in generated.not_handles.items())
        click.echo(f"journeysite: left out, not {forge_name} handles: {wrong}", err=True)
    if generated.unnamed:
        click.echo(
            f"journeysite: left out, their names hold a line break: {', '.join(generated.unnamed)}", err=True
        )
    if generated.without_handles:
        teams = ", ".join(
            f"{team} ({report.plural(len(pages), 'page')})"
            for team, pages in generated.without_handles.items()
        )
        click.echo(
            f"journeysite: teams without handles: {teams}; their pages fall back to the default owner; "
            f"add {field} to their team pages",
            err=True,
        )
    if generated.unowned:
        click.echo(
            f"journeysite: pages whose owner is not a team page (they fall back to the default owner): {neutral.line(', '.join(generated.unowned))}",
            err=True,
        )
    if check_only:
        target = Path(output) if output else root / codeowners.DEFAULT_PATHS[fmt]
        shown = report.display_path(target.parent, target.name)
        current = codeowners.is_current(target, generated.text)
        if current and ownerless:
            sys.exit(EXIT_PROBLEMS)
        if current:
            click.echo(f"journeysite: {shown} is up to date")
            sys.exit(EXIT_OK)
        state = "is missing" if current is None else "is out of date"
        again = "journeysite codeowners" + (" --format gitlab" if fmt == "gitlab" else "")
        click.echo(f"journeysite: {shown} {state}: run `{again} --output {shown}`", err=True)
        sys.exit(EXIT_PROBLEMS)
    if output:
        codeowners.write(Path(output), generated.text)
    else:
        click.echo(generated.text, nl=False)
    sys.exit(EXIT_OK)


@main.command("diff")
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default=None,
    help="text for a terminal, markdown for a pull-request comment "
    "(default: text in a terminal, markdown when the output goes to a file or a pipe).",
)
@click.argument("base")
@click.argument("head", default="HEAD")
def diff_command(config_file: str | None, fmt: str | None, base: str, head: str) -> None:
    """Describe how the journey model changed from git revision BASE to HEAD (default: HEAD).

    Both sides are read from commits, never from the working tree: commit first. Every changed value is
    shown whole. As markdown, the output is a pull-request comment marked with <!-- journeysite-diff -->
    so a workflow can update it in place.
    """
    from journeysite.cli import diff as model_diff
    from journeysite.core.gitrepo import GitError, git_toplevel

    project = _project(config_file)
    root = git_toplevel(project.config_file.parent)
    if root is None:
        click.echo(f"journeysite: {project.config_file.parent} is not inside a git repository", err=True)
        sys.exit(EXIT_USAGE)
    try:
        chosen = fmt or ("text" if sys.stdout.isatty() else "markdown")
        text = model_diff.run(root, project.docs_dir, base, head, project.settings, chosen)
    except GitError as exc:
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(text, nl=False)
    sys.exit(EXIT_OK)


_CAPACITY_COLOURS = {"over": "red", "near": "yellow", "heading": None}


@main.command("capacity")
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools (the same numbers).",
)
def capacity_command(config_file: str | None, fmt: str) -> None:
    """Show the hours a month each team's playbook steps take, against the hours its people have.

    Planned hours = each step's `effort` × how often its playbook runs for a customer × the segment's
    `accounts`; a team has `headcount` × the `hours_per_person_month` setting (default 120). Steps
    without `effort` count as 0 and are listed.
    """
    from journeysite.cli import capacity as report_capacity

    project = _project(config_file)
    result = _run(lambda: pipeline.run_project(project))
    if fmt == "json":
        click.echo(report_capacity.as_json(result.capacity))
    else:
        colour = sys.stdout.isatty()

        def style(text: str, kind: str) -> str:
            if not colour:
                return text
            return click.style(text, fg=_CAPACITY_COLOURS.get(kind), bold=kind in ("heading", "over"))

        click.echo(report_capacity.text(result.capacity, result.handbook, style))
    if result.errors:  # a number the schema refused counts as not given: say so, and fail like check
        click.echo(
            f"journeysite: the handbook has {report.plural(len(result.errors), 'error')}, so some numbers "
            "above may be missing: run `journeysite check` to see and fix them.",
            err=True,
        )
        sys.exit(EXIT_PROBLEMS)
    sys.exit(EXIT_OK)
