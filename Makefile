# rrii-graph: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: set up, then build the graph and validate it on the embedded store
demo: $(STAMP)
	$(BIN)/rrii build
	$(BIN)/rrii validate

## test: set up, then run every test
test: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff on the code and the tests
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## bench: speed and memory benchmarks against an rdflib/pyshacl baseline
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf build $(VENV)
