# The README's commands. Each target sets up what it needs (idempotent, quick when done).
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
BIN := .venv/bin
FOUNDRY := $(CURDIR)/node_modules/@foundry-rs
FORGE := $(FOUNDRY)/forge-linux-amd64/bin/forge
export PATH := $(FOUNDRY)/forge-linux-amd64/bin:$(FOUNDRY)/anvil-linux-amd64/bin:$(PATH)

.PHONY: setup build abi lint test forge-test pytest demo demo-reset bench clean

setup: .stamp-npm .stamp-venv .stamp-chromium .stamp-promtool

.stamp-npm: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Browser tests drive Debian's chromium (Playwright's own browser download is not used); CJK fonts
# so the Chinese pages render. Needs root (as on CI); elsewhere install the two packages yourself.
.stamp-chromium:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else echo "note: install chromium and fonts-noto-cjk for the browser tests"; fi; fi
	@touch $@

# The alert rules' unit tests (ops/prometheus/alerts_test.yml) run Debian's promtool, from the
# `prometheus` package (~6 s). Needs root (as on CI); elsewhere install it yourself.
.stamp-promtool:
	@if ! command -v promtool >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
		else echo "note: install Debian's prometheus (promtool) for the alert rule tests"; fi; fi
	@touch $@

.stamp-venv: pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv .venv
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

build: setup
	$(FORGE) build

abi: build  ## regenerate carbon_chain/abi from the forge build
	$(BIN)/python scripts/sync_abis.py

lint: build
	$(BIN)/python scripts/sync_abis.py --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	scripts/static_analysis.sh

forge-test: build
	$(FORGE) test

pytest: setup
	$(BIN)/pytest

test: lint forge-test pytest

demo: build
	$(BIN)/python scripts/demo.py

demo-reset: build  ## delete data/demo and seed the scenario afresh
	$(BIN)/python scripts/demo.py --reset

bench: build  ## writes bench/results/*.json|md; figures, never assertions
	$(FORGE) test --match-path 'contracts/test/gas/*'
	$(BIN)/python scripts/gas_report.py
	$(BIN)/python scripts/bench_oracle.py
	$(BIN)/python scripts/bench_node.py
	$(BIN)/python scripts/bench_signing.py
	$(BIN)/python scripts/bench_auditor.py

clean:
	rm -rf out cache .stamp-* .venv node_modules
