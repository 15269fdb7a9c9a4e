# rrii-graph: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help demo test lint bench lab release clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## help: list the targets
help:
	@grep -E '^## [a-z]+:' $(MAKEFILE_LIST) | sed 's/^## /  /'

## demo: set up, then build the graph, validate it, classify the study day's councils, write their
## comparison report and publish the linked-data site to build/site
demo: $(STAMP)
	$(BIN)/rrii build
	$(BIN)/rrii validate > build/validation.txt; status=$$?; head -1 build/validation.txt; exit $$status
	$(BIN)/rrii coverage
	$(BIN)/rrii typology ajuntament-terrassa ajuntament-granollers ajuntament-vilafranca --lang en
	$(BIN)/rrii compare --out build/report.html
	$(BIN)/rrii compare --out build/report.md
	$(BIN)/rrii publish --out build/site

## test: set up, then run every test
test: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff on the code and the tests
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools

## bench: speed and memory benchmarks against an rdflib/pyshacl baseline
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

## lab: JupyterLab on the project's environment, opened on notebooks/
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	$(BIN)/jupyter lab --notebook-dir=notebooks

## release: stamp VERSION (make release VERSION=x.y.z), date the CHANGELOG, build and try the wheel
release: $(STAMP)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z"; exit 2; }
	$(BIN)/python tools/release.py $(VERSION)

## clean: remove build/ and the environment
clean:
	rm -rf build dist $(VENV)
