# Two commands: `make run` (serve the demo season on SQLite) and `make test` (the whole suite).
# Everything else is set up on the way: the virtual environment, dependencies, the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench install clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo
	@echo "  trace is serving the demo season on http://$(HOST):$(PORT)/"
	@echo "  API docs (try it):  http://$(HOST):$(PORT)/api/v1/docs/"
	@echo "  OpenAPI document:   http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "  demo API tokens:    instance/demo-tokens.txt"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	for script in bench/core.py $(filter-out bench/core.py bench/report.py,$(wildcard bench/*.py)); do \
		$(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
