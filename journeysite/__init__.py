"""journeysite: a validated customer-success handbook for MkDocs."""


def version() -> str:
    """The installed version (looked up on demand: importlib.metadata costs ~45 ms at start-up)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("journeysite")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0"
