# Two entry points: `make run` (set-up + main job) and `make test` (set-up + all tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint bench clean browser

$(STAMP): pyproject.toml
	@echo "setting up $(VENV): a virtualenv with confined and its dependencies (a minute or two)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --progress-bar on pip
	$(BIN)/python -m pip install --progress-bar on -e ".[test,fast,ase,screen,web]"
	touch $(STAMP)
	@echo "ready: run .venv/bin/confined --help (or: source .venv/bin/activate)"

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/confined reproduce --out confined-report

# the browser tests drive Debian's chromium (never `playwright install`)
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium for the browser tests"; \
	  (apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1)) \
	  || echo "warning: could not install chromium: the browser tests will be skipped"; }

test: $(STAMP) browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_analyze.py

clean:
	rm -rf $(VENV) confined-report .pytest_cache
