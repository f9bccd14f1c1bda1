# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.chm-installed
CHM    := $(BIN)/chm
export CHM_DATA ?= ./data

.PHONY: setup run test lint bench clean

setup: $(STAMP)

# torch goes in first, pinned, so nothing later pulls a newer CUDA build.
$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: setup
	$(CHM) init
	$(CHM) ingest
	$(CHM) serve

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_ingest.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy ontology graph api ingest

clean:
	rm -rf $(VENV) data
