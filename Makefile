# The README's commands. Each target sets up what it needs (idempotent, quick when done).
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
BIN := .venv/bin
FOUNDRY := $(CURDIR)/node_modules/@foundry-rs
FORGE := $(FOUNDRY)/forge-linux-amd64/bin/forge
export PATH := $(FOUNDRY)/forge-linux-amd64/bin:$(FOUNDRY)/anvil-linux-amd64/bin:$(PATH)

.PHONY: setup build abi lint test forge-test pytest demo bench clean

setup: .stamp-npm .stamp-venv

.stamp-npm: package.json package-lock.json
	npm ci --no-audit --no-fund
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

forge-test: build
	$(FORGE) test

pytest: setup
	$(BIN)/pytest

test: lint forge-test pytest

demo: build
	$(BIN)/python scripts/demo.py

bench: build
	$(FORGE) test --match-path 'contracts/test/gas/*'
	$(BIN)/python scripts/gas_report.py

clean:
	rm -rf out cache .stamp-* .venv node_modules
