# backpath: the two quick-start commands, plus the benchmark.
#   make demo   - run the command-line demonstration on examples/
#   make test   - format check, lint, types, import contract, tests with coverage
#   make bench  - performance figures (not pass/fail)
# Both create .venv and install what they need; a second run only re-installs when
# pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "backpath needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing python3-venv (Debian/Ubuntu python3 ships without it)"; \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "backpath: cannot create a virtual environment: run 'sudo apt-get install python3-venv'" >&2; \
	    exit 1; \
	  fi; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/backpath demo

test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest --cov --cov-report=term --cov-fail-under=95
	$(BIN)/coverage report --include='backpath/clinical/*' --fail-under=100

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
