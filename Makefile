# Two set-up commands: `make demo` and `make test`. Everything installs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
CORPUS ?= ../shared/corpus/dev
SEEDGOLD ?= ../shared/seeds

.PHONY: demo test lint typecheck pytest eval bench browser clean golden fuzz

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## demo: build the seed's graph and map into output/
demo: $(STAMP)
	$(BIN)/kg build seeds/ --out output/

## test: lint, type-check and run the whole test suite (installs Chromium for browser tests when root)
test: $(STAMP) browser lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

## browser: Debian's headless Chromium for the map's browser tests (skipped with a reason when absent)
browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: present"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && echo "chromium: installed"; \
	else echo "chromium: not installed (not root); browser tests will be skipped"; fi

## eval: score the dev corpus and the seed against gold, fail below tests/eval_floor.json
eval: $(STAMP)
	$(BIN)/kg eval --gold $(CORPUS) --gold $(SEEDGOLD) --floor tests/eval_floor.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## golden: regenerate the seed's golden graph after an intended extraction change (review the diff!)
golden: demo
	cp output/kg.ttl tests/golden/seed.ttl
