# `make run` serves the demo on SQLite; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint browser bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev: requirements-dev.txt $(VENV)/.requirements
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

# The mail and job workers run beside the server and stop with it. The development configuration
# (its key is public) is named here, never a default, and answers loopback only.
run: export FLASK_CONFIG := development
run: export ENABLE_DEV_ROUTES := 1
run: $(VENV)/.requirements translations
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask mail work & mailer=$$!; $(BIN)/flask jobs work & jobs=$$!; \
	trap 'kill $$mailer $$jobs 2>/dev/null' EXIT INT TERM; \
	BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || sh tools/install-chromium.sh

test: lint $(VENV)/.requirements-dev translations browser nginx html-checker
	$(BIN)/python -m pytest

# Lint, layout and the import contracts (pyproject.toml): an import pointing the wrong
# way between the layers fails here.
LINTED := app tests bench tools migrations config.py wsgi.py
lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports

# tests/deploy run Debian's nginx with deploy/nginx.conf; install it when it is missing.
# The translation catalogues, compiled from app/translations/*/LC_MESSAGES/*.po (tools/i18n.py).
.PHONY: translations
translations: $(VENV)/.requirements
	$(BIN)/python tools/i18n.py compile

.PHONY: nginx
nginx:
	@sh tools/install-nginx.sh

# The Nu HTML Checker checks every public page (tests/browser/test_html_checker.py): the
# npm package vnu-jar, pinned, installed into .tools/ (git-ignored), run on the machine's
# Java (a headless JRE from Debian when `java` is missing).
VNU_JAR_VERSION := 26.9.27
TOOLS := .tools
.PHONY: java html-checker
java:
	@sh tools/install-java.sh
html-checker: java $(TOOLS)/.vnu-jar-$(VNU_JAR_VERSION)
$(TOOLS)/.vnu-jar-$(VNU_JAR_VERSION):
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: the HTML checker (vnu-jar) is installed with it" >&2; exit 1; }
	npm install --prefix $(TOOLS) --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error vnu-jar@$(VNU_JAR_VERSION)
	@touch $@

bench: $(VENV)/.requirements-dev
	sh bench/run.sh

clean:
	rm -rf $(VENV) .pytest_cache $(TOOLS)
