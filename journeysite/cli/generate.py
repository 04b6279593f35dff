"""``journeysite generate --target mkdocs|zensical``: the handbook as a standalone source tree, for a builder
that runs no MkDocs plugin (Zensical) or for MkDocs and ProperDocs without ours; and the warning ``check``
gives a project that Zensical would build without journeysite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from journeysite.cli import report
from journeysite.core.diagnostics import WARNING, Diagnostic
from journeysite.core.settings import ConfigError, Project
from journeysite.render.generate import TARGETS, OutputRefused, check_output, default_output, generate

ZENSICAL_CODE = "zensical-drops-plugin"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2  # as every command (journeysite.cli)


def zensical_warning(project: Project) -> Diagnostic | None:
    """A warning when a ``zensical.toml`` sits next to mkdocs.yml: ``zensical build`` would read it (or
    mkdocs.yml) and build the pages without journeysite, silently (it loads no MkDocs plugin). Whether a
    build runs under Zensical cannot be told from here: Zensical never loads the plugin, so no code of
    journeysite runs in its build."""
    toml = project.config_file.parent / "zensical.toml"
    if not toml.is_file():
        return None
    return Diagnostic(
        ZENSICAL_CODE,
        WARNING,
        os.path.relpath(toml, project.docs_dir).replace(os.sep, "/"),
        1,
        "Zensical loads no MkDocs plugin, so `zensical build` of this project publishes the pages without "
        "journeysite: no generated sections or pages, no diagrams, raw [[kind:id]] text; build the tree of "
        "`journeysite generate --target zensical` instead",
    )


@click.command("generate")
@click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="The MkDocs configuration file (default: mkdocs.yml in the current folder).",
)
@click.option(
    "--target",
    type=click.Choice(TARGETS),
    required=True,
    help="The builder the tree is for: mkdocs (MkDocs or ProperDocs) or zensical.",
)
@click.option(
    "-d",
    "--output-dir",
    "output",
    type=click.Path(file_okay=False),
    default=None,
    help="Where to write the tree (default: generated/TARGET next to mkdocs.yml).",
)
@click.option(
    "--strict", is_flag=True, help="Write nothing and exit 1 on warnings too, like `check --strict`."
)
def generate_command(config_file: str | None, target: str, output: str | None, strict: bool) -> None:
    """Write the handbook as a standalone source tree for TARGET: every page with its generated
    sections, the generated pages, diagrams, CSS and journey.json, and a mkdocs.yml with an explicit
    nav. Build it with `zensical build -f OUT/mkdocs.yml` (or `mkdocs build -f OUT/mkdocs.yml`).

    OUT must be empty, new, or a tree generate wrote before (which it replaces whole)."""
    from journeysite.cli import _project, _run

    project = _project(config_file)
    out = Path(output) if output is not None else default_output(project, target)
    try:
        out = check_output(project, out)
    except OutputRefused as exc:
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        done = _run(lambda: generate(project, target, out, strict))
    except ConfigError as exc:  # mkdocs.yml changed meanwhile
        click.echo(f"journeysite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"journeysite: cannot write {out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if done.diagnostics:
        colour = sys.stdout.isatty()

        def style(text: str, kind: str) -> str:
            return (
                click.style(text, fg={"error": "red", "warning": "yellow", "info": "cyan"}.get(kind))
                if colour
                else text
            )

        click.echo(report.text(done.diagnostics, done.pages, project.docs_dir, style))
    for warning in done.warnings:
        click.echo(f"journeysite: warning: {warning}", err=True)
    if done.out is None:
        what = "errors or warnings" if strict else "errors"
        click.echo(
            f"journeysite: the handbook has {what}, so nothing was written: fix them and run again", err=True
        )
        sys.exit(EXIT_PROBLEMS)
    config = done.out / "mkdocs.yml"
    shown = os.path.relpath(config) if config.is_relative_to(Path.cwd()) else str(config)
    builder = "zensical build" if target == "zensical" else "mkdocs build"
    click.echo(
        f"journeysite: wrote {done.written_pages} pages and {done.copied} other files into {done.out}; "
        f"build them with `{builder} -f {shown}`",
        err=True,
    )
    sys.exit(EXIT_OK)
