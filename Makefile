# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.chm-installed
CHM    := $(BIN)/chm
export CHM_DATA ?= ./data

.PHONY: setup system-deps run test lint bench clean

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

# System packages the real-client tests (tests/api/test_clients.py, test_browser.py) drive the service with: curl,
# Apache Jena's ARQ on a Java runtime, Chromium for Playwright. Installed with apt-get only when missing (one `apt-get update`
# first), through sudo when not root. `make run` does not need them.
SYSTEM_DEPS := curl default-jre-headless libapache-jena-java chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

system-deps:
	@if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then \
		echo "warning: no dpkg/apt-get here: install $(SYSTEM_DEPS) (or equivalents) yourself"; exit 0; fi; \
	missing=""; for p in $(SYSTEM_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

test: setup system-deps
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_ingest.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy ontology graph api ingest search

clean:
	rm -rf $(VENV) data
