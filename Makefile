# The few targets a newcomer needs. `make run` and `make test` work on a fresh machine.
PY      ?= python3.11
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8501
ADDRESS ?= 127.0.0.1
OBLIQA  ?= ../shared/obliqa

.PHONY: install ingest run test test-fast eval bench lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the local CPU wheel, never the multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/python -m ingest

# Ingests (incrementally) only when the corpus changed since the last good ingest, then serves.
run: install
	$(BIN)/python -m assistant serve --address $(ADDRESS) --port $(PORT)

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not integration and not browser and not slow"

eval: ingest
	$(BIN)/python -m evals run

bench: install
	$(BIN)/python -m evals obliqa --docs $(OBLIQA)/StructuredRegulatoryDocuments --questions $(OBLIQA)/ObliQA_dev.json
	$(BIN)/python -m evals latency --docs $(OBLIQA)/StructuredRegulatoryDocuments --questions $(OBLIQA)/ObliQA_dev.json
	$(BIN)/python -m evals ingest-rate --docs $(OBLIQA)/StructuredRegulatoryDocuments

lint: install
	$(BIN)/ruff check assistant ingest evals tests streamlit_app.py pages

clean:
	rm -rf data .pytest_cache
