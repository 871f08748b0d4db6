# One-command habits. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint format typecheck check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parkloop db upgrade
	$(BIN)/parkloop examples load nam-cau-kien --monitoring
	$(BIN)/parkloop demo --park nam-cau-kien
	@echo
	@echo "Open the demo park in the web application:"
	@echo "  $(BIN)/parkloop serve"
	@echo "then http://127.0.0.1:8000/parks/nam-cau-kien (the first run prints a link to create the administrator)."

test: $(STAMP)
	$(BIN)/pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) parkloop.db build dist .pytest_cache .mypy_cache .ruff_cache
