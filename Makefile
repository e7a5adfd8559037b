# One set of targets for people, CI and benchmarks. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
FAULTS_ARGS ?=

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# uv (a PyPI package) installs in seconds what pip takes minutes for; pip is the fallback.
# Both compile the dependencies' modules: where PYTHONDONTWRITEBYTECODE is set (many shells and
# images) Python never caches them itself, and every worker start compiled Faust, aiohttp and
# pydantic again (1.3 s of a 3.9 s import here).
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if $(PY) -m pip install -q uv && $(VENV)/bin/uv --version >/dev/null 2>&1; then \
		$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -e '.[dev]'; \
	else \
		$(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e '.[dev]'; \
	fi
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## create the virtualenv and install leadrouter with its dev extra

# leadrouter's own modules, compiled where they changed (an editable install compiles none), for
# the same reason; every target that starts workers does this first.
.PHONY: bytecode
bytecode: $(STAMP) ## compile leadrouter's modules where they changed
	@$(PY) -m compileall -q schemas service agents

# The pure domain (service/) compiled to C by mypyc where a source changed: about 9% less CPU per
# event for the router. Without a C compiler the sources run as before (dev/compile_domain.py).
.PHONY: native
native: $(STAMP) ## compile the domain (service/) with mypyc where it changed
	@$(PY) dev/compile_domain.py

.PHONY: tools
tools: ## install the Debian tools the tests use (prometheus, promtool, kcat) if missing
	@if [ -x dev/install-tools.sh ]; then dev/install-tools.sh; fi

.PHONY: kafka
kafka: $(STAMP) ## fetch Apache Kafka's jars from Maven Central (once)
	$(PY) dev/kafka/localkafka.py fetch

.PHONY: lint
lint: $(STAMP) ## ruff check, ruff format --check, mypy strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

.PHONY: format
format: $(STAMP) ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: unit
unit: $(STAMP) native ## unit tests only (no broker)
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

.PHONY: test
test: $(STAMP) tools kafka bytecode native ## lint, unit and integration tests; a throwaway broker boots meanwhile
	dev/test.sh $(PYTEST_ARGS)

.PHONY: run
run: $(STAMP) kafka bytecode native ## local broker + worker + demo feed in the foreground (Ctrl-C stops all)
	dev/run.sh

.PHONY: broker-up
broker-up: $(STAMP) ## start (or reuse) the local broker in .run/kafka
	$(PY) dev/kafka/localkafka.py up

.PHONY: broker-down
broker-down: $(STAMP) ## stop the local broker this checkout started
	$(PY) dev/kafka/localkafka.py down

.PHONY: broker-status
broker-status: $(STAMP) ## is the local broker running?
	$(PY) dev/kafka/localkafka.py status

.PHONY: schemas
schemas: $(STAMP) ## regenerate the JSON Schema files from the pydantic contracts
	$(PY) -m schemas.generate

.PHONY: clean
clean: ## remove the virtualenv, caches and local run state (stops the local broker first)
	-@test -x $(PY) && $(PY) dev/kafka/localkafka.py down
	rm -rf $(VENV) .run .mypy_cache .ruff_cache .pytest_cache service/_native.json
	find service -name '*.so' -delete

.PHONY: bench
bench: $(STAMP) kafka bytecode native ## throughput and latency vs passthroughs, own broker (BENCH_ARGS=--events 20000)
	$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: ab
ab: $(STAMP) kafka bytecode native ## router throughput, variants alternating (AB_ARGS="--rev HEAD~1 --rev HEAD --pairs 3")
	$(PY) -m bench.ab $(AB_ARGS)

.PHONY: faults
faults: $(STAMP) kafka bytecode native ## crash, SIGTERM, broker-restart and fuzz scenarios, own broker (FAULTS_ARGS=--events 5000)
	$(PY) -m dev.faults $(FAULTS_ARGS)
