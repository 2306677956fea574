# The two set-up commands: `make run` (serve on SQLite, seeded on first start) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test openapi clean

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

test: $(VENV)/.installed-test
	$(BIN)/pytest

openapi: $(VENV)/.installed
	$(BIN)/flask --app service openapi write --format=yaml openapi.yaml

clean:
	rm -rf $(VENV) instance
