# backpath: the two quick-start commands, plus the benchmark.
#   make demo   - the web app on SQLite (var/) with demo data; prints the URL and logins
#   make test   - format, lint, types, import contract, migrations and deploy checks, the
#                 whole suite on SQLite (with browser journeys), the database tests again
#                 on PostgreSQL
#   make bench  - performance figures (not pass/fail)
# Both create .venv and install what they need; a second run only re-installs when
# pyproject.toml changed.

PYTHON ?= python3
# The suite runs a worker process per core (pytest-xdist), each test file on one worker (its
# module fixtures, browser and live server stay together); each worker has its own test
# database. `make test PARALLEL=` runs it in one process.
PARALLEL ?= -n auto --dist loadfile
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean system-packages messages

# Debian packages the tests use: chromium (browser journeys), gettext (message extraction).
# Installed when missing and we are root on Debian; otherwise those tests say what is missing.
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium and gettext (Debian packages)"; \
	    apt-get update -qq && apt-get install -y -qq chromium gettext >/dev/null; \
	  else \
	    echo "note: install chromium and gettext to run the browser and translation tests"; \
	  fi; \
	fi

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
	$(BIN)/backpath demo $(if $(PORT),--port $(PORT))

# Production-like settings for `check --deploy`: a real secret, HTTPS, DEBUG off.
PROD_ENV := BACKPATH_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-secret-value-xyz \
	BACKPATH_DEMO=false BACKPATH_HTTPS=true BACKPATH_DATA_DIR=$$(mktemp -d) \
	BACKPATH_EMAIL_HOST=mail.example BACKPATH_PROXY_HEADERS=true

test: $(STAMP) system-packages
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	BACKPATH_DEMO=true $(BIN)/mypy
	$(BIN)/lint-imports
	BACKPATH_DEMO=true BACKPATH_DATA_DIR=$$(mktemp -d) $(BIN)/backpath makemigrations --check --dry-run
	$(PROD_ENV) $(BIN)/backpath check --deploy --fail-level WARNING
	tools/audit-dependencies
	@tools/ensure-redis || echo "note: no Redis on 127.0.0.1:6379 for the Celery test (skipped here, fails in CI)"
	$(BIN)/pytest $(PARALLEL) --cov --cov-report=term --cov-fail-under=95
	$(BIN)/coverage report --include='backpath/clinical/*' --fail-under=100
	@url=$$(tools/ensure-postgres) || { \
	  if [ -n "$${CI:-}" ]; then echo "PostgreSQL is required in CI and none could be started" >&2; exit 1; fi; \
	  echo "SKIPPED: the PostgreSQL run (no server on 127.0.0.1:5432 and none could be started)"; exit 0; }; \
	echo "database tests again on PostgreSQL ($$url)"; \
	DATABASE_URL=$$url $(BIN)/pytest $(PARALLEL) tests/web tests/care tests/accounts tests/programs \
	  tests/followup tests/learning tests/reminders tests/prevention tests/auditlog \
	  tests/privacy tests/api tests/fhir tests/research tests/quality tests/synthetic -m "not browser"

# Re-extract the interface texts after changing templates or code; translate the new
# entries in backpath/web/locale/nl/LC_MESSAGES/django.po, then `make messages` again.
messages: $(STAMP)
	cd backpath && BACKPATH_DEMO=true BACKPATH_DATA_DIR=$$(mktemp -d) DJANGO_SETTINGS_MODULE=backpath.web.settings \
	  ../$(BIN)/django-admin makemessages -l nl --no-obsolete --no-location --ignore=clinical/*
	$(BIN)/python -c "import polib; p='backpath/web/locale/nl/LC_MESSAGES/django'; polib.pofile(p+'.po').save_as_mofile(p+'.mo')"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.documents
	$(BIN)/python -m benchmarks.api
	$(BIN)/python -m benchmarks.export
	@url=$$(tools/ensure-postgres) && \
	  $(BIN)/python -m benchmarks.jobs --patients 10000 --database-url $$url && \
	  $(BIN)/python -m benchmarks.quality --database-url $$url && \
	  $(BIN)/python -m benchmarks.web --database-url $$url

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
