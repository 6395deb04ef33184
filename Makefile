# The two commands of the README:
#   make demo   set up, then validate, report, render and draw topology.yaml into out/
#   make test   set up, then run ruff, mypy and the whole test suite
#   make test-fast  the inner loop: the tests not marked slow (no ruff, mypy or checkov)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FILE ?= topology.yaml
OUT ?= out

# checkov pins networkx<2.7, so it lives in its own virtualenv, created on demand.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30

.PHONY: demo test test-fast setup checkov-env demo-deps test-deps lint typecheck pytest golden bench docs docs-image clean

# The demo needs graphviz only; the tests also run nginx, keepalived, Java daemons, cloud-init.
setup: test-deps $(STAMP)

demo-deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh demo

test-deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: demo-deps $(STAMP)
	$(BIN)/tiered validate $(FILE) --fail-on never
	$(BIN)/tiered plan $(FILE)
	@mkdir -p $(OUT)
	$(BIN)/tiered render cloudformation $(FILE) --out $(OUT)
	$(BIN)/tiered render fis $(FILE) --out $(OUT)
	$(BIN)/tiered render nginx $(FILE) --out $(OUT)
	$(BIN)/tiered render config $(FILE) --out $(OUT)
	$(BIN)/tiered render nginx examples/onprem-generic.yaml --out $(OUT)/onprem-generic
	$(BIN)/tiered render keepalived examples/onprem-generic.yaml --out $(OUT)/onprem-generic
	$(BIN)/tiered render config examples/onprem-generic.yaml --out $(OUT)/onprem-generic
	$(BIN)/tiered diagram $(FILE) -o $(OUT)/architecture.png
	$(BIN)/tiered diagram $(FILE) -o $(OUT)/architecture.svg
	$(BIN)/tiered report $(FILE) --format markdown --output $(OUT)/report.md
	$(BIN)/tiered report $(FILE) --format html --output $(OUT)/report.html
	@echo "Deploy $(OUT)/cloudformation with AmiId set; the entry certificate (TlsCertificateSecretArn)"
	@echo "and each application's artifact (ArtifactUrl<Service>) are yours to supply: README, Deploying."

test: setup checkov-env lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check tiered renderers tests benchmarks scripts

checkov-env: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	@touch $@

# Not plain mypy: renderers/ is checked as tiered.renderers, which no mypy option can name.
typecheck:
	$(BIN)/python scripts/typecheck.py

pytest:
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not slow"

golden: setup
	TIERED_REGEN_GOLDEN=1 $(BIN)/pytest -q -k golden

bench: setup
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/analysis.py
	$(BIN)/python benchmarks/config.py
	$(BIN)/python benchmarks/diff.py

docs: setup
	$(BIN)/python -c "from tiered.rules.docs import rules_markdown; print(rules_markdown(), end='')" > docs/rules.md

docs-image: setup
	$(BIN)/tiered diagram topology.yaml -o docs/architecture.png

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
