# Shuying — two commands for a new user: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup run stop status test test-unit test-integration test-e2e lint demo bench

help:
	@echo "make run    set up and start Shuying (SQLite + demo data, Prefect server + worker, app); prints the URL"
	@echo "make stop   stop what make run started"
	@echo "make test   set up and run the whole test suite (import contracts, unit, integration, browser)"
	@echo "make bench  run the benchmarks under bench/ (one JSON line each)"

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

stop:
	@bash scripts/stop.sh

status:
	@bash scripts/stop.sh --status

lint: setup
	@source scripts/env.sh && lint-imports

test: setup lint
	@source scripts/env.sh && pytest $(PYTEST_ARGS)

test-unit: setup
	@source scripts/env.sh && pytest tests/unit $(PYTEST_ARGS)

test-integration: setup
	@source scripts/env.sh && pytest tests/integration $(PYTEST_ARGS)

test-e2e: setup
	@source scripts/env.sh && pytest tests/e2e $(PYTEST_ARGS)

demo: setup
	@source scripts/env.sh && python -m storage.migrate && python -m services.demo load --if-empty

bench: setup
	@source scripts/env.sh && for b in bench/*.py; do echo "== $$b"; python $$b || exit 1; done
