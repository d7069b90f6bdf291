# Two set-up commands: `make demo` and `make test`. Everything installs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
STAMP  := $(VENV)/.installed-$(HASH)
# the demo needs only the runtime dependencies; tests and lint add the dev tools (STAMP)
RUNTIME := $(VENV)/.runtime-$(HASH)
CORPUS ?= ../shared/corpus/dev
SEEDGOLD ?= ../shared/seeds

.PHONY: demo test check lint typecheck pytest pytest-fast eval bench system-packages clean golden fuzz screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,dask]'
	rm -f $(VENV)/.installed-* $(VENV)/.runtime-*
	touch $@ $(RUNTIME)

$(RUNTIME): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	rm -f $(VENV)/.runtime-*
	touch $@

## demo: build the seed's graph and map into output/, and the same six stories as dated
## articles (seeds/dated/) into output/dated/, whose map and timeline show them over time
demo: $(RUNTIME)
	$(BIN)/kg build seeds/ --out output/
	$(BIN)/kg build seeds/dated/ --out output/dated/
	@echo "kg is in $(VENV)/: run \`source $(VENV)/bin/activate\` to put it on your PATH"

## test: lint, type-check and run the whole test suite (installs the Debian packages some tests need when root)
test: $(STAMP) system-packages lint typecheck pytest

## check: the inner loop, under a minute: lint, type-check and the tests not marked slow
## (no browser, server, worker process or big build; the rule is in tests/conftest.py)
check: $(STAMP) lint typecheck pytest-fast

lint: $(STAMP)
	$(BIN)/ruff check kg tests fuzz bench
	$(BIN)/ruff format --check kg tests fuzz bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

pytest-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

## system-packages: Debian packages for the tests that need a real browser, RDF parser or SPARQL server:
## chromium (the map), raptor2-utils (rapper, a third Turtle parser), virtuoso-opensource (kg push).
## Tests skip with a reason when one is missing (not root, no apt-get).
DEBIAN_PACKAGES := chromium raptor2-utils virtuoso-opensource
system-packages:
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -z "$$missing" ]; then echo "debian packages: present"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing:$$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null && echo "debian packages: installed"; \
	else echo "not installed:$$missing (not root); the tests that need them will be skipped"; fi

## eval: score the dev corpus and the seed against gold, fail below tests/eval_floor.json
eval: $(RUNTIME)
	$(BIN)/kg eval --gold $(CORPUS) --gold $(SEEDGOLD) --floor tests/eval_floor.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## golden: regenerate the seed's golden graphs (output/, output/dated/) after an intended extraction change (review the diff!)
golden: demo

## bench: speed and memory figures (not part of `make test`); writes bench/RESULTS.md, and
## bench/SCALING.md (the same 1,000-document build on the local pool and a 2-worker Dask LocalCluster)
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/scaling.py --count 1000 --write
	$(BIN)/python bench/speed_ratio.py --write

## screenshots: the seed's, the dated seed's and the dev corpus's maps in headless Chromium
## → docs/screenshots/ (seed.png, dated-seed.png, dev.png); rebuild output/ first with `make demo`
screenshots: $(STAMP)
	$(BIN)/python tests/screenshots.py --dev $(CORPUS) --out docs/screenshots

## fuzz: 10,000 generated hostile documents through the whole pipeline
fuzz: $(STAMP)
	$(BIN)/python fuzz/run.py --count 10000
