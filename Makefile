# Two commands: `make run` (set up, run the whole pipeline, print the answer) and `make test`.
# Every target sets up what it needs and is quick when nothing changed.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
SPACEX := $(BIN)/spacex
STAMP := $(VENV)/.installed
PLUGINS := meltano_project/.meltano/.installed
MANIFEST := dbt_spacex/target/manifest.json
export DAGSTER_HOME := $(CURDIR)/.local/dagster
# Telemetry off for every tool (also set in each tool's own configuration).
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_DISABLE_TELEMETRY := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup run test test-fast dev stop clean lint answer benchmark services docs \
	wheelhouse image deploy-test check-defs

help:
	@echo "make run        set up, start PostgreSQL + the API mirror, materialize every asset, print the answer"
	@echo "make test       set up, then run the whole test suite (offline)"
	@echo "make test-fast  only the unit tests (no database, no Meltano/dbt/Dagster run; seconds)"
	@echo "make dev        Dagster UI on http://127.0.0.1:3000"
	@echo "make answer     print the answer from the current marts"
	@echo "make docs       the dbt docs site as one file: dbt_spacex/target/static_index.html"
	@echo "make benchmark  measure speed and memory (scripts/benchmark.py)"
	@echo "make lint       ruff (lint + format), mypy and sqlfluff (the dbt SQL)"
	@echo "make check-defs dg check defs: the code location loads (what dg dev serves)"
	@echo "make image      the container image (docker/Dockerfile) from a wheelhouse: no index needed"
	@echo "make deploy-test  build the image, run the job in the docker compose stack, tear it down"
	@echo "make stop       stop PostgreSQL and the mirror;  make clean  remove all local state"

# The project's own distributions: every root folder with a pyproject.toml (docker/Dockerfile and
# scripts/wheelhouse.py follow the same rule, so a new package folder needs no edit there), each
# installed with its `test` extra (what its own tests need). pip installs them together, so
# tap_common (both taps depend on it) needs no place in the order.
PACKAGES := $(patsubst %/pyproject.toml,%,$(wildcard */pyproject.toml))
$(STAMP): pyproject.toml constraints.txt $(PACKAGES:%=%/pyproject.toml)
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if (3,10)<=v<=(3,13) else f"Python 3.10-3.13 needed, {sys.version.split()[0]} found (set PYTHON=python3.x)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt $(foreach p,$(PACKAGES),-e './$(p)[test]') -e '.[dev]'
	touch $@

$(PLUGINS): $(STAMP) meltano_project/meltano.yml tap_common/pyproject.toml spacex_tap/pyproject.toml satcat_tap/pyproject.toml meltano_project/plugins/target-postgres-spacex/pyproject.toml
	cd meltano_project && $(SPACEX) exec -- $(BIN)/meltano install
	touch $@

DBT_SOURCES := $(shell find dbt_spacex/models dbt_spacex/tests dbt_spacex/macros -type f 2>/dev/null) dbt_spacex/dbt_project.yml

# dagster-dbt's own preparation of the project Dagster loads (dbt deps + dbt parse).
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(SPACEX) exec -- $(BIN)/dagster-dbt project prepare-and-package --file dagster_spacex/project.py > /dev/null
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster_spacex/dagster.yaml
	mkdir -p $(DAGSTER_HOME) && cp $< $@

setup: $(STAMP) $(PLUGINS) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml

services: setup
	$(SPACEX) db start
	$(SPACEX) mirror start

run: services
	$(SPACEX) run
	$(SPACEX) answer

# The ten slowest tests close the report: where the suite's time goes, run after run.
test: setup
	$(BIN)/pytest --durations=10

# Every unit suite: tests/unit (which refuses processes and database connections) and the
# packages' own tests; a package's suite is picked up as soon as its folder exists.
UNIT_TESTS := tests/unit $(wildcard tap_common/tests spacex_tap/tests api_mirror/tests satcat_tap/tests)

# The dbt manifest too (dbt parse, no database): the code location the unit tests import is built
# from it.
test-fast: $(STAMP) $(MANIFEST)
	$(BIN)/pytest $(UNIT_TESTS)

dev: services
	$(SPACEX) exec -- $(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

answer: setup
	$(SPACEX) answer

# The dbt docs site (models, columns, tests, lineage, owners) as ONE self-contained HTML file that
# opens without a server. The catalog (column types, row counts) is read from the warehouse, so
# the services must be up; after `make run` it describes the built models.
docs: services
	cd dbt_spacex && $(SPACEX) exec -- $(BIN)/dbt docs generate --static
	@echo "dbt docs: dbt_spacex/target/static_index.html"

benchmark: setup
	$(SPACEX) exec -- $(BIN)/python scripts/benchmark.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/sqlfluff lint dbt_spacex/models dbt_spacex/tests

# dg (dagster-dg-cli, [tool.dg] in pyproject.toml) loads dagster_spacex.definitions, which needs
# the dbt manifest. VIRTUAL_ENV: dg compares it with the project's .venv and warns when unset.
check-defs: $(STAMP) $(MANIFEST)
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(SPACEX) exec -- $(BIN)/dg check defs

# The container deployment (README, "Deployment (docker compose)"). The image installs from a
# wheelhouse built here (the Python of the image's version), so `docker build` needs no index.
IMAGE ?= spacex-elt:latest
BASE_IMAGE ?= python:3.11-slim
WHEELHOUSE := .local/wheelhouse
$(WHEELHOUSE)/.complete: $(STAMP) constraints.txt pyproject.toml $(PACKAGES:%=%/pyproject.toml) \
		meltano_project/meltano.yml $(wildcard meltano_project/plugins/*/pyproject.toml) \
		scripts/wheelhouse.py
	rm -rf $(WHEELHOUSE)
	$(BIN)/python scripts/wheelhouse.py $(WHEELHOUSE)
	touch $@

wheelhouse: $(WHEELHOUSE)/.complete

image: $(WHEELHOUSE)/.complete
	docker build --network=none --force-rm --build-arg BASE_IMAGE=$(BASE_IMAGE) -f docker/Dockerfile -t $(IMAGE) .

deploy-test: $(STAMP)
	docker/deploy-test.sh

stop:
	-test -x $(SPACEX) && $(SPACEX) mirror stop
	-test -x $(SPACEX) && $(SPACEX) db stop

clean: stop
	rm -rf $(VENV) .local meltano_project/.meltano dbt_spacex/target dbt_spacex/logs .pytest_cache
