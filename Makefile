# Two commands for a newcomer:  make lab   and   make test
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
LAB_ARGS ?=

# JupyterLab refuses to start as root (containers) unless asked to allow it.
ifeq ($(shell id -u),0)
ROOT_FLAG := --allow-root
endif

.PHONY: lab test bench notebooks check-notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/python -m pip install -r requirements-test.txt
	touch $@

## make lab: set everything up and open the collection in JupyterLab
lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS) 00_start_here.ipynb

## make test: set everything up and run unit tests, doctests, notebooks (nbval) and browser tests
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

## make bench: speed of the ops, the explorers and the notebook stage
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

## make notebooks: rebuild notebooks/*.ipynb from tools/nbsrc/*.py and execute them (committed outputs)
notebooks: $(VENV)/.installed
	$(BIN)/python tools/notebooks.py build

clean:
	rm -rf $(VENV) .pytest_cache artifacts
