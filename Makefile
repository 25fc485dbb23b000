# One entry point for people and CI. `make run` and `make test` set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install db-upgrade clean

run: $(STAMP) ## Install what is missing, migrate the database and run the bot.
	$(BIN)/mentor-bot run

test: $(STAMP) ## Install what is missing and run the whole test suite.
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

db-upgrade: $(STAMP)
	$(BIN)/mentor-bot db upgrade

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
