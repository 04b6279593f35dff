"""``python -m journeysite``: the same as the ``journeysite`` command."""

from .cli import main

main(prog_name="journeysite")
