# journeysite -- see README.md.  Each of site/test/serve bootstraps what it needs:
# a .venv with this package installed (editable, with the test extra; redone when
# pyproject.toml changes), and the system's Graphviz (and Chromium for the tests).

PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.journeysite-installed
ENSURE := sh .ci/ensure-system-package

# Playwright drives the system's /usr/bin/chromium: it must never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: site test serve lint clean

site: $(STAMP)
	@$(ENSURE) graphviz
	$(VENV)/bin/mkdocs build --strict

test: $(STAMP)
	@$(ENSURE) graphviz chromium
	$(VENV)/bin/pytest

# Click >= 8.2 turns reload off by default, hence --livereload.
serve: $(STAMP)
	@$(ENSURE) graphviz
	$(VENV)/bin/mkdocs serve --livereload

lint: $(STAMP)
	$(VENV)/bin/ruff check journeysite tests bench

clean:
	rm -rf site .cache

# The virtualenv: Python >= 3.11 (the .venv's own if it exists, else $(PYTHON)).
$(STAMP): pyproject.toml
	@py=$(PYTHON); if [ -x $(VENV)/bin/python ]; then py=$(VENV)/bin/python; fi; \
	$$py -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "journeysite: error: Python >= 3.11 is required, but $$py is: $$($$py -V 2>/dev/null || echo not found)." >&2; \
	  echo "journeysite: install Python 3.11 or newer, then run e.g. 'rm -rf $(VENV); make PYTHON=python3.12 ...'." >&2; \
	  exit 1; }
	@if [ ! -x $(VENV)/bin/python ]; then \
	  echo "journeysite: creating $(VENV) with $(PYTHON)..."; $(PYTHON) -m venv $(VENV); fi
	@echo "journeysite: installing journeysite (editable, with the test extra) into $(VENV)..."
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $@
