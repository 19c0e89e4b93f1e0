# Quick start: `make demo` builds the sample memos; `make test` runs lint, types and tests.
# `make test` installs the pinned versions of requirements/test.lock (refresh it with `make lock`);
# `make test-latest` runs the same checks in a fresh .venv-latest with the newest versions pyproject.toml allows.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements/test.lock
LATEST := .venv-latest
LOCKER := .venv-lock
UV     := uv>=0.5,<1

.PHONY: demo test checks lint typecheck pytest test-latest lock bench golden reference clean

# The lock pins every package the tests use, the build backend too: briefgen itself is installed without build
# isolation and without dependencies, so nothing is resolved at install time. `pip check` fails if pyproject.toml
# asks for something the lock lacks (run `make lock`).
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/briefgen check
	$(BIN)/briefgen build
	@echo "Sample memos: outputs/kazakhstan-space/{principal,working-level,partner}.{md,docx}"

test: $(STAMP)
	$(MAKE) --no-print-directory checks BIN=$(BIN)

# lint, types and tests with the tools in $(BIN)
checks:
	$(BIN)/ruff check briefgen tests benchmarks
	$(BIN)/ruff format --check briefgen tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check briefgen tests benchmarks
	$(BIN)/ruff format --check briefgen tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

# The newest versions pyproject.toml allows, in a fresh venv every time: drift shows here before a newcomer meets it.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install --quiet --upgrade pip
	$(LATEST)/bin/pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	$(LATEST)/bin/pip freeze --exclude-editable > $(LATEST)/versions.txt
	@echo "newest allowed versions (in $(LATEST)/versions.txt); differences from $(LOCK):"
	@$(LATEST)/bin/python -c "import re,sys; norm=lambda s: re.sub(r'[-_.]+','-',s.lower()); \
	pins=lambda p: {norm(l.split('==')[0].strip()): l.split('==')[1].split()[0] for l in open(p) if '==' in l}; \
	old, new = pins('$(LOCK)'), pins('$(LATEST)/versions.txt'); \
	d = [f'  {k}: {old[k]} -> {new[k]}' for k in sorted(old.keys() & new.keys()) if old[k] != new[k]]; \
	print('\n'.join(d) or '  none')"
	$(MAKE) --no-print-directory checks BIN=$(LATEST)/bin

# Re-resolve the lock from pyproject.toml (newest allowed versions, for every platform, Python 3.11 and up), with
# uv in a venv of its own: .venv cannot be set up from a lock that no longer matches pyproject.toml.
lock:
	test -x $(LOCKER)/bin/uv || ($(PYTHON) -m venv $(LOCKER) && $(LOCKER)/bin/pip install --quiet '$(UV)')
	$(LOCKER)/bin/uv pip compile --quiet --universal --python-version 3.11 --extra test --annotation-style line \
	  --custom-compile-command 'make lock' pyproject.toml requirements/build.in -o $(LOCK)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) $(LATEST) $(LOCKER) .pytest_cache .mypy_cache .ruff_cache .hypothesis
