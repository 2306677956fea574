# The two set-up commands: `make run` (serve on SQLite, seeded on first start) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test check openapi clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/flask --app service init
	exec $(BIN)/gunicorn -c gunicorn.conf.py service.wsgi:app

# The pinned Node tools (Spectral); --ignore-scripts: no package needs its install script here.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/pytest

# Lint, types, then the contract gates (spec quality + Spectral, schemathesis, generated client).
check: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/ruff check service tests tools bench
	$(BIN)/mypy service
	$(BIN)/pytest tests/test_openapi.py tests/test_spec_quality.py tests/test_contract.py tests/test_client.py

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

# The load comparison against the bare-Flask ceiling and Datasette (needs Debian's wrk: apt-get install wrk).
# BENCH_SCALE=100k or 1m for more positions, BENCH_DATABASE=postgresql for PostgreSQL;
# figures in bench/results/ (git-ignored), quoted in the README.
BENCH_SCALE ?= 1k
BENCH_DATABASE ?= sqlite
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.harness --scale $(BENCH_SCALE) --database $(BENCH_DATABASE)

# The body examples are recorded from the seeded API first, then the spec (which carries them) is written.
openapi: $(VENV)/.installed
	$(BIN)/python -m tools.examples
	$(BIN)/flask --app service openapi write openapi.yaml

clean:
	rm -rf $(VENV) instance
