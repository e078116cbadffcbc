# Two commands do all the set-up: `make run` (the main job) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## Load the seed knowledge into the embedded store (once), summarise what is stored where, serve the API.
run: $(STAMP)
	$(BIN)/caleido run --serve

## Lint, type-check and run every test (the browser tests drive Debian's Chromium, installed if missing).
test: $(STAMP) lint typecheck
	scripts/ensure-chromium
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check caleido tests
	$(BIN)/ruff format --check caleido tests

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
