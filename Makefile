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
run: $(VENV)/.requirements
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask mail work & mailer=$$!; $(BIN)/flask jobs work & jobs=$$!; \
	trap 'kill $$mailer $$jobs 2>/dev/null' EXIT INT TERM; \
	BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || sh tools/install-chromium.sh

test: lint $(VENV)/.requirements-dev browser nginx
	$(BIN)/python -m pytest

# Lint, layout and the import contracts (pyproject.toml): an import pointing the wrong
# way between the layers fails here.
LINTED := app tests bench tools migrations config.py wsgi.py
lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports

# tests/deploy run Debian's nginx with deploy/nginx.conf; install it when it is missing.
.PHONY: nginx
nginx:
	@sh tools/install-nginx.sh

bench: $(VENV)/.requirements-dev
	sh bench/run.sh

clean:
	rm -rf $(VENV) .pytest_cache
