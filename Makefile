# The few targets a newcomer needs. `make run` and `make test` work on a fresh machine.
PY      ?= python3.11
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8501
ADDRESS ?= 127.0.0.1
OBLIQA  ?= ../shared/obliqa

.PHONY: install lock ingest run test test-fast test-faults eval bench bench-growth lint clean

# Installs exactly what requirements.lock pins, every file checked against its hash. torch is
# pinned there as 2.13.0+cpu, the local CPU wheel (pip's find-links), never the CUDA build.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolve the lock after changing a dependency in pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --find-links /opt/wheels -o requirements.lock

ingest: install
	$(BIN)/python -m ingest

# Ingests (incrementally) only when the corpus changed since the last good ingest (or a run was
# interrupted), then serves. If ingest cannot run (store down, disk full) the chat still starts
# and its page says what is wrong.
run: install
	$(BIN)/python -m ingest --if-stale || echo "make run: ingest did not complete (see above); starting the chat anyway"
	$(BIN)/python -m assistant serve --address $(ADDRESS) --port $(PORT)

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not integration and not browser and not slow"

# The fault suite at full size: 500 generated questions per interface, kill -9 during ingest then
# --verify, hostile uploads and corpora, store down, 10 concurrent browser sessions (uploads and
# questions in flight at once). `make test` runs the same tests bounded.
test-faults: install
	FAULT_EXAMPLES=500 $(BIN)/python -m pytest -m "faults" tests/faults tests/ingest/test_interrupted.py tests/ingest/test_hostile_input.py

eval: ingest
	$(BIN)/python -m evals run

bench: install
	$(BIN)/python -m evals obliqa --docs $(OBLIQA)/StructuredRegulatoryDocuments --questions $(OBLIQA)/ObliQA_dev.json
	$(BIN)/python -m evals latency --docs $(OBLIQA)/StructuredRegulatoryDocuments --questions $(OBLIQA)/ObliQA_dev.json
	$(BIN)/python -m evals ingest-rate --docs $(OBLIQA)/StructuredRegulatoryDocuments
	CBEC_EMBEDDER=onnx:int8 $(BIN)/python -m evals ingest-rate --docs $(OBLIQA)/StructuredRegulatoryDocuments \
		--against bundled:all-MiniLM-L6-v2
	$(BIN)/python -m evals growth --docs $(OBLIQA)/StructuredRegulatoryDocuments --questions $(OBLIQA)/ObliQA_dev.json \
		--sizes 1000,10000

# Ingest, start-up, retrieve latency, memory and disk at 1k, 10k and 100k passages, embedded and
# server store. The first 100k run embeds ~94k new chunks (perturbed copies) once: about half an
# hour on 2 cores; they are cached in data/cache (~150 MB) for later runs and the second store.
bench-growth: install
	$(BIN)/python -m evals growth --docs $(OBLIQA)/StructuredRegulatoryDocuments --questions $(OBLIQA)/ObliQA_dev.json \
		--sizes 1000,10000,100000

lint: install
	$(BIN)/ruff check assistant ingest evals app tests streamlit_app.py

clean:
	rm -rf data .pytest_cache
