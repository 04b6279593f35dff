"""The built wheel is complete and works on its own, outside the source tree.

Builds the wheel from the repository with the project's interpreter (the .venv's under
`make test`), checks that it carries the schemas and the theme, installs it into a fresh
virtualenv and runs its `journeysite` command there.  The fresh virtualenv gets the
dependencies without downloading anything: a .pth file lists the project's site-packages
directory.  A path line in a .pth does not process the .pth files inside that directory,
so the editable install of journeysite is *not* visible there -- the test checks that the
journeysite it imports is the wheel's.
"""

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args, **kwargs):
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs
    )


def _clean_env():
    """The environment minus anything that would let the source tree leak in."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


def test_wheel_ships_schemas_and_theme_and_runs_outside_the_tree(tmp_path):
    env = _clean_env()

    # Build the wheel, with the build backend already in the project's environment.
    dist = tmp_path / "dist"
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            dist,
            ROOT,
        ],
        env=env,
    )
    assert built.returncode == 0, f"pip wheel failed:\n{built.stdout}\n{built.stderr}"
    wheels = sorted(dist.glob("journeysite-*.whl"))
    assert len(wheels) == 1, f"expected one journeysite wheel, got {wheels}"
    wheel = wheels[0]

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "journeysite/schema/stage.json" in names, names
    theme_files = [n for n in names if n.startswith("journeysite/theme/") and not n.endswith("/")]
    assert theme_files, f"no file under journeysite/theme/ in the wheel: {names}"

    # A fresh virtualenv that sees the project's dependencies but not its source.
    fresh = tmp_path / "fresh-venv"
    venv.create(fresh, with_pip=True, clear=True)
    py = fresh / "bin" / "python"
    site_packages = _run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        env=env,
        cwd=tmp_path,
    ).stdout.strip()
    assert site_packages, "could not find the fresh virtualenv's site-packages"
    project_libs = dict.fromkeys(
        sysconfig.get_paths()[k] for k in ("purelib", "platlib")
    )  # ordered, without duplicates
    (Path(site_packages) / "journeysite-test-deps.pth").write_text(
        "".join(f"{p}\n" for p in project_libs)
    )

    installed = _run(
        [py, "-m", "pip", "install", "--no-deps", "--no-index", wheel], env=env, cwd=tmp_path
    )
    assert installed.returncode == 0, (
        f"installing the wheel failed:\n{installed.stdout}\n{installed.stderr}"
    )

    # The journeysite imported there is the wheel's, not the editable source tree.
    where = _run(
        [py, "-c", "import journeysite; print(journeysite.__file__)"], env=env, cwd=tmp_path
    )
    assert where.returncode == 0, where.stderr
    module_file = Path(where.stdout.strip()).resolve()
    assert module_file.is_relative_to(fresh.resolve()), (
        f"journeysite was imported from {module_file}, not from the wheel in {fresh}"
    )

    # Its command works with the schemas the wheel carries.
    shown = _run([fresh / "bin" / "journeysite", "schema", "stage"], env=env, cwd=tmp_path)
    assert shown.returncode == 0, (
        f"journeysite schema stage exited {shown.returncode}:\n{shown.stdout}\n{shown.stderr}"
    )
    schema = json.loads(shown.stdout)
    assert "title" in schema and "properties" in schema, schema
