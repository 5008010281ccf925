# Everything runs from .venv, (re)built whenever a requirements file changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements.txt requirements-dev.txt policies/requirements.txt
STACK ?= staging

.PHONY: plan test lint bench clean

$(STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

plan: $(STAMP) ## offline plan of STACK (default staging): no CLI, no credentials
	$(PY) -m ops plan $(STACK)

test: $(STAMP) ## the whole test suite
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(STAMP) ## plan time vs. the floor of loading the SDKs, memory, suite time
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
