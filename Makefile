# Two commands for everyone:   make lab   (start the course)    make test   (run every check)
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
# CPU-only PyTorch. Elsewhere override, e.g.
#   make lab TORCH_SPEC="torch" TORCH_INDEX="--index-url https://download.pytorch.org/whl/cpu"
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
KERNEL_NAME ?= ai-genomics-imaging
LAB_ARGS ?=
JOBS ?= 2
PYTEST_ARGS ?=

.PHONY: lab test install exercises bench explore doctor clean hub-deps class-test book book-deps book-check

# JupyterLab settings shipped with the course (news pop-up and update checks off)
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# Root (uid 0: containers, many cloud notebooks): JupyterLab refuses to start without --allow-root
AS_ROOT := $(filter 0,$(shell id -u))
ROOT_WARNING := make lab: running as root, so JupyterLab gets --allow-root; prefer an ordinary user (docs/instructors/running.md)

install: $(VENV)/.installed $(LAB_SETTINGS)

# One install of the toolkit with every extra, pinned by constraints.txt (the versions the suite
# passed with). Torch comes first from TORCH_INDEX: its pin there is PyTorch's CPU build (+cpu),
# which only PyTorch's own index has, so that one line is left to TORCH_SPEC.
EXTRAS ?= dev,hub,book,bench
PINS := $(VENV)/constraints-no-torch.txt
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet "$(TORCH_SPEC)" $(TORCH_INDEX)
	grep -v '^torch==' constraints.txt > $(PINS)
	$(VPY) -m pip install --quiet -c $(PINS) -e ".[$(EXTRAS)]"
	$(VPY) -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "AI in genomics & imaging"
	touch $@

$(LAB_SETTINGS): deploy/lab/overrides.json
	mkdir -p $(dir $@)
	cp $< $@

lab: install
	$(if $(AS_ROOT),@echo "$(ROOT_WARNING)" >&2)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(AS_ROOT),--allow-root) $(LAB_ARGS)

# Everything (notebooks, browsers, reference tools); the quick loop while coding:
#   make test PYTEST_ARGS='-m "not slow and not notebook and not browser"'
test: install
	$(VPY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

exercises: install
	$(VPY) -m toolkit.grading build

explore: install
	$(VENV)/bin/voila notebooks/explorers --no-browser --Voila.ip=127.0.0.1 --port=8866 $(LAB_ARGS)

doctor: install
	$(VPY) -m toolkit doctor

clean:
	rm -rf $(VENV) build dist

# configurable-http-proxy (npm, into the git-ignored build/hub-node/); JupyterHub comes with `install`
HUB_NODE := build/hub-node
CHP := $(HUB_NODE)/node_modules/.bin/configurable-http-proxy
STUDENTS ?= 8
hub-deps: install
	mkdir -p $(HUB_NODE)
	npm install --silent --no-save --no-fund --no-audit --prefix $(HUB_NODE) configurable-http-proxy@4

# Loopback class test: a hub on 127.0.0.1, STUDENTS learners at once (see docs/instructors/running.md)
class-test: hub-deps
	$(VPY) tests/class_test.py --students $(STUDENTS) --chp $(CHP)

bench: install
	cd benchmarks && $(abspath $(VPY)) run_all.py $(BENCH)

# Course website (book/README.md): build/book/ from the lessons, explorers and docs/, reusing the
# executed notebooks of the last notebook test run (build/executed/); axe-core from npm into build/axe/
AXE_DIR := build/axe
book-deps: install
	mkdir -p $(AXE_DIR)
	npm install --silent --no-save --no-fund --no-audit --prefix $(AXE_DIR) axe-core@4

book: install
	$(VPY) book/build.py

# Chromium over every page: no console errors, no broken links, 0 serious/critical axe violations
# (the Voila explorers' audit in the same file already ran in `make test`)
book-check: book-deps book
	BOOK_SITE_REQUIRED=1 $(VPY) -m pytest -n 0 -p no:cacheprovider tests/test_book_site.py tests/test_book_reader.py tests/test_site_figures_phone.py -k "not voila"
