# Set-up and everyday commands. Each target installs what it needs into .venv first.
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/viqa: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: install serve run test lint typecheck eval reliability
install: $(BIN)/viqa

# The service on http://127.0.0.1:8000 (SQLite file viqa.db; VIQA_DATABASE_URL for PostgreSQL).
serve: install
	$(BIN)/viqa serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

# Check the seed article from the command line. Exit 1 means "something flagged", not a failure.
run: install
	$(BIN)/viqa check --translation seeds/vinh-long-2023.vi.txt || [ $$? -eq 1 ]

lint: install
	$(BIN)/ruff check service tests

# Types over service/ (mypy; the configuration is in pyproject.toml).
typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

# Only the reliability suite (fuzzing, hostile text, faults, security, load), with its summary.
reliability: install
	$(BIN)/python -m pytest -m reliability

eval: install
	for set in devset testset holdout; do \
	  $(BIN)/viqa eval --input seeds/$$set.en-vi.jsonl --plot pr-$$set.png; done
