# Two commands: `make run` (serve the demo season on SQLite) and `make test` (the whole suite).
# Everything else is set up on the way: the virtual environment, dependencies, the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench install clean translations screenshots audit

# The pages' translations (public lookup pages, staff pages): compiled .mo files are committed;
# make rebuilds one whenever its .po is newer.
I18N := trace/lookup/translations
WEB_I18N := trace/web/translations
CATALOGUES := $(wildcard $(I18N)/*/LC_MESSAGES/messages.po) $(wildcard $(WEB_I18N)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) $(COMPILED)

%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing a text of the pages: extract, merge, translate the new entries in each
# messages.po (tests/lookup and tests/web fail while one is missing), then `make`.
# The staff pages keep their own catalogue (mapping in trace/web/babel.cfg).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --project trace -o $(I18N)/messages.pot .
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N) --no-fuzzy-matching
	$(BIN)/pybabel extract -F trace/web/babel.cfg -k _l -k N_ --no-location --sort-output --project trace -o $(WEB_I18N)/messages.pot trace/web trace/domain/markets.py trace/domain/vocabulary.py
	$(BIN)/pybabel update -i $(WEB_I18N)/messages.pot -d $(WEB_I18N) --no-fuzzy-matching
	$(MAKE) $(COMPILED)

# The README's screenshots of the lookup page and the staff pages (needs Debian's chromium).
screenshots: $(STAMP) $(COMPILED)
	TRACE_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/lookup/test_browser.py tests/web/test_web_browser.py tests/web/test_web_forms_browser.py tests/test_carrots_walkthrough.py \
	  "tests/test_walkthrough_china.py::test_lychee_to_china_by_truck[sqlite]"

# The codes printed on labels point at the address `make run` serves, so a phone on the same
# network opens them (make run HOST=192.168.1.20 PORT=8000); TRACE_PUBLIC_BASE_URL wins if set.
run: export TRACE_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP) $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) demo load
	@$(FLASK) demo urls
	@echo
	@echo "  trace is serving the demo season on http://$(HOST):$(PORT)/"
	@echo "  API docs (try it):  http://$(HOST):$(PORT)/api/v1/docs/"
	@echo "  OpenAPI document:   http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "  demo API tokens:    instance/demo-tokens.txt"
	@echo "  staff pages:        http://$(HOST):$(PORT)/  (log in as worker / worker-demo-2026; an importer: tokyo-importer / tokyo-importer-demo-2026)"
	@echo "  in production:      .venv/bin/gunicorn wsgi:app (settings: gunicorn.conf.py) behind nginx: docs/operations.md"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

# An offline ZPL renderer (npm zpl-renderer-js, WebAssembly) lets the tests decode ZPL labels;
# without npm that one test skips.
ZPL_RENDERER := tests/labels/node_modules/.package-lock.json
$(ZPL_RENDERER): tests/labels/package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/labels --no-audit --no-fund --silent; fi

# axe-core (npm) for the browser tests' accessibility checks on every page.
AXE := tests/a11y/node_modules/.package-lock.json
$(AXE): tests/a11y/package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/a11y --no-audit --no-fund --silent; fi

# The suite runs in two processes (pytest-xdist), each with its own PostgreSQL server and
# browser: about 14 minutes on 2 cores instead of 20+ in one. `make test TEST_WORKERS=0` runs
# it in one process.
TEST_WORKERS ?= 2
test: $(STAMP) $(COMPILED) $(ZPL_RENDERER) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Every benchmark in bench/ (core first, then by name), each rewriting its own section of
# docs/benchmarks.md: within 10 minutes on 2 cores. The 100,000-event season is generated once
# (bench/season.py, by bench/lookup.py) and copied by bench/trace.py from a season cache that
# lives as long as the run; each also generates it into a throwaway PostgreSQL. The 1,000,000-event
# runs are by hand: docs/benchmarks.md prints their commands.
# Without wrk (the HTTP load generator) the pages under gunicorn are not measured: make bench
# says so before it starts and when it ends, and every other figure is still written.
BENCH_SCRIPTS := bench/core.py $(sort $(filter-out bench/core.py bench/report.py bench/season.py bench/__init__.py,$(wildcard bench/*.py)))
WRK_MISSING := make bench: wrk is not installed, so the public pages under gunicorn are not measured (docs/benchmarks.md says so); install it with 'sudo apt-get install -y wrk' (Debian, Ubuntu) or 'brew install wrk' (macOS), then run make bench again
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || echo "$(WRK_MISSING)"
	@cache=$$(mktemp -d -t trace-season-cache.XXXXXX) && trap 'rm -rf "$$cache"' EXIT && \
	began=$$(date +%s) && \
	for script in $(BENCH_SCRIPTS); do \
		echo "== $$script"; \
		TRACE_SEASON_CACHE=$$cache $(BIN)/python $$script --output docs/benchmarks.md || exit 1; \
	done && \
	echo "make bench: $$(( $$(date +%s) - began )) s" && \
	{ command -v wrk >/dev/null 2>&1 || echo "$(WRK_MISSING)"; }

# Known vulnerabilities in the pinned dependencies (needs a vulnerability database: PyPI's JSON
# API or OSV; where neither is reachable pip-audit says so and this fails).
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip-audit==2.10.1
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r requirements.txt

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
