# Everything runs from .venv, (re)built whenever a lock file changes. The *.in files are the
# human-edited pins; `make lock` compiles them into the hash-pinned *.txt locks, and every
# install (here, the workflows, the CLI's policies/venv) takes a lock with --require-hashes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCKS := requirements-dev.txt requirements.txt policies/requirements.txt
STACK ?= staging

# STACK reaches shell commands (`pulumi … -s $(STACK)`, `ops … $(STACK)`): a stack name only,
# never shell syntax such as `staging; pulumi destroy -s production`.
_STACK_LEFT := $(STACK)
$(foreach c,a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 . _ - /,$(eval _STACK_LEFT := $$(subst $(c),,$$(_STACK_LEFT))))
ifneq ($(STACK),)
ifneq ($(words $(STACK))$(strip $(_STACK_LEFT)),1)
$(error STACK must be one stack name (letters, digits, . _ - /), got "$(STACK)"; nothing was run)
endif
endif

.PHONY: plan test lint bench clean secrets-baseline engine rehearse rehearse-faults project-config lock

# The first install shows pip's progress (a line a package; a few minutes); a refresh stays quiet.
PIP_OUTPUT = $(if $(wildcard $(STAMP)),--quiet,--progress-bar off)

$(STAMP): $(LOCKS)
	@test -x $(PY) || { echo "make: creating $(VENV) and installing the pinned requirements (first time: a few minutes)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install $(PIP_OUTPUT) --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@touch $(STAMP)

# The development lock first: the other two are compiled under it as a constraint, so a package
# has one pin in every lock. uv keeps a lock's existing pins unless an input moved them
# (LOCK_FLAGS=--upgrade, or --upgrade-package NAME, to move the rest).
LOCK_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_FLAGS)

lock: $(STAMP) ## compile the *.in requirements into the hash-pinned *.txt locks, then install them
	$(LOCK_COMPILE) requirements-dev.in -o requirements-dev.txt
	$(LOCK_COMPILE) -c requirements-dev.txt requirements.in -o requirements.txt
	$(LOCK_COMPILE) -c requirements-dev.txt policies/requirements.in -o policies/requirements.txt
	@$(MAKE) --no-print-directory $(STAMP)

plan: $(STAMP) ## offline plan of STACK (default staging): no CLI, no credentials
	$(PY) -m ops plan $(STACK)

test: $(STAMP) engine ## the whole test suite (engine tests need `make engine`: Go or a pulumi CLI)
	$(PY) -m pytest

# The real Pulumi CLI: one on PATH is used as it is; otherwise tools/engine builds the pinned
# release from Go modules into .tools/bin (git-ignored; nothing built is committed).
ENGINE_BIN := .tools/bin/pulumi
ENGINE_SOURCES := tools/engine/go.mod tools/engine/go.sum tools/engine/build.sh $(wildcard tools/engine/languagehost/*.go)

engine: ## the Pulumi CLI for the rehearsal: on PATH, or built from Go modules into .tools/bin
	@if command -v pulumi >/dev/null 2>&1; then echo "engine: using $$(command -v pulumi) ($$(pulumi version))"; \
	elif command -v go >/dev/null 2>&1; then $(MAKE) --no-print-directory $(ENGINE_BIN); \
	else echo "engine: neither a pulumi CLI nor Go on PATH: engine tests will skip (install Go, then make engine)"; fi

$(ENGINE_BIN): $(ENGINE_SOURCES)
	tools/engine/build.sh

rehearse: $(STAMP) engine ## the dress rehearsal of STACK (default staging) by the real engine, stand-in providers
	$(PY) -m ops rehearse $(STACK)

rehearse-faults: $(STAMP) engine ## staging's rehearsal, then interrupted, concurrent (on S3, moto), drifted and outage-hit updates
	$(PY) -m ops rehearse staging --faults

project-config: $(STAMP) ## write Pulumi.yaml's config block from the settings models (stacks/settings/)
	$(PY) -m ops project-config

lint: $(STAMP) ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(STAMP) ## plan time vs. the SDKs' floor, memory; the staging rehearsal, faults and suite in rehearsals
	$(PY) bench/run.py

clean: ## remove .venv, the tool caches and the built engine (.tools)
	rm -rf $(VENV) .pytest_cache .ruff_cache .tools

# Real Pulumi runs: always an explicit -s and the policy pack. `up` applies
# staging only; production is preview-only (docs/pipeline.md). PULUMI is one program
# (`make up PULUMI='pulumi destroy -s production #'` is refused) and the flags cannot be
# overridden (a second `-s production` after `-s staging` would win: the CLI takes the last).
PULUMI ?= pulumi
override POLICY_FLAGS = --policy-pack policies --policy-pack-config policies/config.$(STACK).json
ifneq ($(words $(PULUMI)),1)
$(error PULUMI must be the path of the pulumi CLI alone, got "$(PULUMI)"; nothing was run)
endif
REQUIRE_PULUMI = command -v $(PULUMI) >/dev/null 2>&1 || { echo "error: the pulumi CLI is not installed (https://www.pulumi.com/docs/iac/download-install/) and make engine has not built one into .tools/bin; nothing was run" >&2; exit 127; }
REQUIRE_STACK_FILE = test -f Pulumi.$(STACK).yaml || { echo "error: unknown stack '$(STACK)': no Pulumi.$(STACK).yaml (stacks here: $(patsubst Pulumi.%.yaml,%,$(wildcard Pulumi.*.yaml))); nothing was run" >&2; exit 2; }
REQUIRE_POLICY_CONFIG = test -f policies/config.$(STACK).json || { echo "error: STACK=$(STACK): policies/config.$(STACK).json does not exist, so the policy pack cannot run" >&2; exit 2; }

.PHONY: preview up verify

# The CLI `make engine` built (.tools/bin) is found after any pulumi on PATH, by these targets and the
# commands they run (the checklist's and the runbook's `pulumi` probes).
preview up verify runbook checklist readiness: export PATH := $(PATH):$(CURDIR)/.tools/bin

preview: ## pulumi preview of STACK (default staging) with the policy pack
	@$(REQUIRE_STACK_FILE)
	@$(REQUIRE_POLICY_CONFIG)
	@$(REQUIRE_PULUMI)
	$(PULUMI) preview -s $(STACK) $(POLICY_FLAGS)

up: ## pulumi up of staging with the policy pack; refuses any other STACK
	@if [ "$(STACK)" != "staging" ]; then echo "error: make up applies only STACK=staging, got STACK=$(STACK); production is preview-only (make preview STACK=production)" >&2; exit 2; fi
	@$(REQUIRE_PULUMI)
	$(PULUMI) up -s staging $(POLICY_FLAGS)

verify: $(STAMP) ## post-deploy checks of staging (reads its outputs through the pulumi CLI)
	$(PY) -m ops verify --stack staging

secrets-baseline: $(STAMP) ## refresh .secrets.baseline after a reviewed change (keeps audit marks), then audit
	$(VENV)/bin/detect-secrets scan --baseline .secrets.baseline --all-files \
	  --exclude-files "$$($(PY) -c "import json; b = json.load(open('.secrets.baseline')); print(next(f['pattern'][0] for f in b['filters_used'] if f['path'].endswith('should_exclude_file')))")"
	$(VENV)/bin/detect-secrets audit .secrets.baseline

# Operations documents, generated from the stack (docs/operations.md); `@` keeps stdout the document.
# Deploy-time values in the runbook come from `pulumi stack output` when the CLI can read them.
.PHONY: runbook checklist readiness help

runbook: $(STAMP) ## Markdown runbook of STACK (default staging) on stdout, or in OUT=FILE
	@$(PY) -m ops runbook $(STACK)$(if $(OUT), --out $(OUT))

checklist: $(STAMP) ## first-deploy checklist of STACK, each step checked where possible
	@$(PY) -m ops checklist $(STACK) --first-deploy$(if $(OUT), --out $(OUT))

readiness: $(STAMP) ## readiness of STACK with evidence (VERIFY_REPORT=, REHEARSAL_REPORT=, OUT=); exit 1 if not ready
	@$(PY) -m ops readiness $(STACK)$(if $(VERIFY_REPORT), --verify-report $(VERIFY_REPORT))$(if $(REHEARSAL_REPORT), --rehearsal-report $(REHEARSAL_REPORT))$(if $(OUT), --out $(OUT))

help: ## this list, from the `##` comments of the targets and variables
	@awk -F ':[^#]*## ' '/^[a-zA-Z_-]+:[^=]*## / { printf "  make %-17s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "Variables (make TARGET NAME=value):"
	@awk -F '#: ' '/^#: [A-Z_]+=/ { print "  " $$2 }' $(MAKEFILE_LIST)

# The variables a user sets, listed by `make help`:
#: STACK=NAME              the stack (default staging): plan, preview, rehearse, runbook, checklist, readiness
#: OUT=FILE                runbook, checklist, readiness: write the document to FILE instead of stdout
#: VERIFY_REPORT=FILE      readiness: the `ops verify --report FILE.json` evidence
#: REHEARSAL_REPORT=FILE   readiness: the `ops rehearse STACK --json > FILE` evidence
#: PULUMI=PATH             preview, up: the pulumi CLI (default: pulumi on PATH, else .tools/bin/pulumi)
#: PYTHON=PATH             the Python 3.11 that creates .venv (default python3)
#: LOCK_FLAGS=FLAGS        lock: more uv flags (--upgrade, or --upgrade-package NAME)
