# journeysite -- see README.md.  Each of site/test/serve bootstraps what it needs:
# a .venv with exactly the versions in uv.lock (this package editable, with the test extra;
# redone when pyproject.toml or uv.lock changes), and the system's Graphviz (and Chromium
# for the tests).  uv itself comes pinned, with hashes, from .ci/uv-requirements.txt.

PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.journeysite-installed
BYTECODE := $(VENV)/bin/python -m compileall -q journeysite >/dev/null
ENSURE := sh .ci/ensure-system-package
UV     := $(VENV)/bin/uv

# Playwright drives the system's /usr/bin/chromium: it must never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# uv: the project's environment is .venv; copy files rather than hard-link across filesystems.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_LINK_MODE := copy
export UV_PYTHON_DOWNLOADS := never
# Install the dependencies as compiled bytecode, and compile journeysite's own modules before each command
# (BYTECODE): where Python may not write .pyc files itself (PYTHONDONTWRITEBYTECODE is set on the machines
# this project is developed on; a read-only install), every mkdocs and journeysite run would otherwise
# compile again every module it imports. Measured here: `journeysite check` on 1,000 entities 0.53 -> 0.43 s,
# a rebuild of 300 entities 2.27 -> 1.59 s. Python checks each .pyc against its source: never stale.
export UV_COMPILE_BYTECODE := 1

.PHONY: site test serve lint format upgrade test-oldest clean

# Build into a new folder and swap it in only when the build passed, so a failed
# build leaves the previous site/ as it was.
site: $(STAMP)
	@$(BYTECODE)
	@$(ENSURE) graphviz
	@rm -rf site.new
	@$(VENV)/bin/mkdocs build --strict --site-dir site.new || { rm -rf site.new; \
	  echo "journeysite: the build failed; site/ is unchanged." >&2; exit 1; }
	@rm -rf site && mv site.new site
	@echo "journeysite: the handbook is in site/ (open site/index.html, or run 'make serve')."

# -n auto: one pytest worker per core (pytest-xdist); `.venv/bin/pytest tests/test_x.py` runs one file alone.
test: lint
	@$(ENSURE) graphviz chromium
	@$(BYTECODE)
	$(VENV)/bin/pytest -n auto

# Click >= 8.2 turns reload off by default, hence --livereload. With journeysite, --dirty rewrites only
# what an edit can change and serves what a clean build would (README, "Previewing").
serve: $(STAMP)
	@$(BYTECODE)
	@$(ENSURE) graphviz
	$(VENV)/bin/mkdocs serve --livereload --dirty

lint: $(STAMP)
	$(VENV)/bin/ruff check journeysite tests bench
	$(VENV)/bin/ruff format --check journeysite
	$(VENV)/bin/mypy journeysite

format: $(STAMP)
	$(VENV)/bin/ruff check --fix journeysite tests bench
	$(VENV)/bin/ruff format journeysite

# Refresh the lock to the newest versions pyproject.toml allows (and uv itself), then
# reinstall; run it on purpose, in its own pull request, and let CI judge the result.
upgrade: $(STAMP)
	$(UV) lock --upgrade
	echo "uv" | $(UV) pip compile - --generate-hashes --universal --no-header --quiet \
	  --upgrade -o .ci/uv-requirements.txt
	@$(MAKE) --no-print-directory $(STAMP)

# The oldest versions pyproject.toml claims: lowest direct dependencies, in their own venv.
test-oldest: $(STAMP)
	@$(ENSURE) graphviz chromium
	sh .ci/test-oldest

clean:
	rm -rf site site.new .cache .venv-oldest

# The virtualenv: Python >= 3.11 (the .venv's own if it exists, else $(PYTHON)).
$(STAMP): pyproject.toml uv.lock .ci/uv-requirements.txt Makefile
	@py=$(PYTHON); if [ -x $(VENV)/bin/python ]; then py=$(VENV)/bin/python; fi; \
	$$py -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "journeysite: error: Python >= 3.11 is required, but $$py is: $$($$py -V 2>/dev/null || echo not found)." >&2; \
	  echo "journeysite: install Python 3.11 or newer, then run e.g. 'rm -rf $(VENV); make PYTHON=python3.12 ...'." >&2; \
	  exit 1; }
	@if [ ! -x $(VENV)/bin/python ]; then \
	  echo "journeysite: creating $(VENV) with $(PYTHON)..."; $(PYTHON) -m venv $(VENV); fi
	@echo "journeysite: installing uv and the locked versions of journeysite's dependencies into $(VENV)..."
	$(VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r .ci/uv-requirements.txt
	$(UV) sync --locked --inexact --extra test --quiet
	@touch $@
