# seqf — two commands: `make run` (demo on SQLite) and `make test` (everything CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PG_URL ?= postgresql+psycopg://127.0.0.1:5432/test

.PHONY: run test lint bench install install-test translations services chromium postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

translations: | $(BIN)/python
	$(BIN)/pybabel compile -d seqf/translations 2>&1 | grep -v "^compiling" || true

run: install
	$(BIN)/seqf db upgrade
	$(BIN)/seqf demo-data
	$(BIN)/seqf run --host $(HOST) --port $(PORT)

test: install-test services
	$(BIN)/ruff check .
	SEQF_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -n 2

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

bench: install-test postgres
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.national
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.uploads
	$(BIN)/python -m bench.report_pdf
	$(BIN)/python -m bench.network_register
	$(BIN)/python -m bench.plan

services: chromium postgres

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Chromium (Debian package) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "starting the local PostgreSQL server"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
