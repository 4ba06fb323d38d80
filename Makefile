# Two commands for a newcomer:  make lab   and   make test   (make lab-zh: the Chinese edition)
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
LAB_ARGS ?=
# The whole tested environment, every package under the direct pins (make lock refreshes it).
LOCK     := requirements-lock.txt

# JupyterLab refuses to start as root (containers) unless asked to allow it.
ifeq ($(shell id -u),0)
ROOT_FLAG := --allow-root
endif

.PHONY: lab lab-zh test bench notebooks site lock clean

# The pinned packages publish wheels for these Pythons only: say so in one line, before anything.
$(BIN)/python:
	@$(PYTHON) tools/python_supported.py
	$(PYTHON) -m venv $(VENV)

# The venv's JupyterLab reads the collection's settings (jupyter/cnnviz.json: no news prompt)
# from its share/jupyter/lab/settings/overrides.d/. make lab-zh gives JupyterLab a settings folder
# of its own beside it, settings-zh/, with the same settings and jupyter/cnnviz-zh.json (the locale
# zh_CN of the language pack in requirements.txt: JupyterLab's menus in Chinese); make lab stays English.
OVERRIDES    := $(VENV)/share/jupyter/lab/settings/overrides.d
SETTINGS_ZH  := $(VENV)/share/jupyter/lab/settings-zh
$(VENV)/.installed: requirements.txt $(LOCK) pyproject.toml jupyter/cnnviz.json jupyter/cnnviz-zh.json | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt -c $(LOCK) -e .
	mkdir -p $(OVERRIDES) && cp jupyter/cnnviz.json $(OVERRIDES)/
	mkdir -p $(SETTINGS_ZH)/overrides.d && cp jupyter/cnnviz.json jupyter/cnnviz-zh.json $(SETTINGS_ZH)/overrides.d/
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/python -m pip install -r requirements-test.txt -c $(LOCK)
	touch $@

## make lab: set everything up and open the collection in JupyterLab
# JupyterLab runs in notebooks/, so the start notebook and the server's root are the same folder.
# The collection's notebooks are trusted, so their explorers show (from their saved state)
# before any cell runs.
lab: $(VENV)/.installed
	cd notebooks && ../$(BIN)/jupyter trust --log-level=WARN *.ipynb zh/*.ipynb
	cd notebooks && ../$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) 00_start_here.ipynb

## make lab-zh: the same, opening the Chinese edition (notebooks/zh/) with JupyterLab's menus in Chinese
# The server's root stays notebooks/ (by default it would be the start notebook's folder, zh/), so
# the Chinese pages' links to the English ones (zh/derivation.md and zh/00 link ../derivation.md, ../00_start_here.ipynb) work.
lab-zh: $(VENV)/.installed
	cd notebooks && ../$(BIN)/jupyter trust --log-level=WARN *.ipynb zh/*.ipynb
	cd notebooks && ../$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. \
		--LabApp.app_settings_dir=$(abspath $(SETTINGS_ZH)) $(LAB_ARGS) zh/00_start_here.ipynb

## make test: set everything up and run unit tests, doctests, notebooks (nbval) and browser tests
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

## make bench: speed of the ops, the explorers and the notebook stage
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

## make notebooks: rebuild notebooks/*.ipynb and notebooks/zh/*.ipynb from tools/nbsrc/*.py and execute
## them (committed outputs)
notebooks: $(VENV)/.installed-test
	$(BIN)/python tools/notebooks.py build

## make site: every notebook as a page of site/ (committed outputs; the Chinese edition in site/zh/)
## whose stages play with no kernel and no network; open site/index.html
site: $(VENV)/.installed
	$(BIN)/python tools/site.py site

## make lock: refresh requirements-lock.txt from requirements-test.txt (valid on every supported Python)
lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
		requirements-test.txt -o $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache artifacts site
