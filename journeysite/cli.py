"""The command line: ``journeysite check``, ``schema`` … — a thin door onto the pipeline."""

from __future__ import annotations

import json
import sys

import click

from . import pipeline, report, schema
from .diagnostics import ERROR, WARNING
from .settings import ConfigError, Project, read_config

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan", "file": None}

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="The MkDocs configuration file (default: mkdocs.yml in the current folder).",
)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="journeysite")
def main() -> None:
    """Check, review and scaffold a journeysite customer-success handbook."""


@main.command()
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for PR annotations.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, like `mkdocs build --strict`.")
def check(config_file: str | None, fmt: str, strict: bool) -> None:
    """Validate every page and report problems, without building the site."""
    project = _project(config_file)
    result = pipeline.run(project.docs_dir, project.settings)
    diagnostics = result.diagnostics
    if fmt == "json":
        click.echo(report.as_json(diagnostics, result.handbook))
    elif fmt == "github":
        output = report.github(diagnostics, project.docs_dir)
        if output:
            click.echo(output)
    else:
        colour = sys.stdout.isatty()

        def style(text: str, kind: str) -> str:
            if not colour:
                return text
            return click.style(text, fg=_COLOURS.get(kind), bold=kind == "file")

        click.echo(report.text(diagnostics, len(result.handbook.pages), project.docs_dir, style))
    failing = {ERROR, WARNING} if strict else {ERROR}
    sys.exit(EXIT_PROBLEMS if any(d.severity in failing for d in diagnostics) else EXIT_OK)


@main.command("schema")
@click.argument("kind", required=False, type=click.Choice(schema.KINDS))
def schema_command(kind: str | None) -> None:
    """Print the JSON Schema of a page KIND (or of every kind) for editors."""
    document = schema.bundled(kind) if kind else schema.bundled_all()
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
