# The index of every command a developer runs. Start with `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help run test setup lint format translations update-translations extract-translations \
        migrate migration worker bench system-deps clean

## help: list these commands
help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'

# The server and the worker it starts both read these (portal/config.py): unless
# PUBLIC_BASE_URL is set, links in emails, letters and posters point at HOST:PORT.
run worker: export FLASK_RUN_HOST = $(HOST)
run worker: export FLASK_RUN_PORT = $(PORT)

## run: set everything up and serve the portal on http://$(HOST):$(PORT) (SQLite, demo data), with the job worker (emails go to instance/mail); e.g. make run PORT=5101
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) worker run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## worker: run the job worker on its own (emails and other queued jobs; give the server's HOST and PORT); Ctrl-C stops it
worker: setup
	$(FLASK) db upgrade
	$(FLASK) worker run

## test: set everything up, then ruff and the whole pytest suite (browser tests included)
test: setup lint
	$(BIN)/pytest $(PYTEST_ARGS)

## setup: virtualenv, pinned packages, npm ci, compiled CSS and translations
setup: $(STAMP)/python $(STAMP)/node css translations

$(STAMP)/python: requirements.txt requirements-dev.txt constraints.txt
	@mkdir -p $(STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

$(STAMP)/node: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

CSS_SOURCES := $(wildcard portal/static/scss/*.scss)
BUILD := portal/static/build

# One Sass run writes all three: the resident pages' CSS, its print sheet, and staff.css
# (MOJ Frontend's patterns, loaded by the staff layout only).
COMPILED_CSS := $(BUILD)/portal.css $(BUILD)/print.css $(BUILD)/staff.css

# What browsers load is served from portal/static/dist/: a copy of each static file with a
# hash of its content in its name (so it may be cached for a year), with its .br and .gz
# built here, once (portal/asset_build.py); WhiteNoise serves them.
DIST := portal/static/dist
STATIC_SOURCES := $(shell find portal/static/js portal/static/images -type f 2>/dev/null)

css: $(DIST)/manifest.json

$(DIST)/manifest.json: $(COMPILED_CSS) $(BUILD)/govuk-frontend.min.js $(STATIC_SOURCES) portal/asset_build.py $(STAMP)/python
	$(BIN)/python -m portal.asset_build

$(COMPILED_CSS) &: $(CSS_SOURCES) $(STAMP)/node
	npm run --silent build:css

$(BUILD)/govuk-frontend.min.js: $(STAMP)/node
	@mkdir -p $(BUILD)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

## translations: compile every catalogue (.po -> .mo)
translations: $(STAMP)/python
	$(BIN)/pybabel compile -d translations 2>&1 | grep -v "^compiling" || true

## extract-translations: regenerate translations/messages.pot from the code and templates
extract-translations: $(STAMP)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --no-wrap \
	  --omit-header -o translations/messages.pot .

## update-translations: extract, then merge new strings into every language's .po
update-translations: extract-translations
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

## lint: ruff check, ruff format check and mypy
lint: $(STAMP)/python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## format: apply ruff's fixes and formatting
format: $(STAMP)/python
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## migrate: apply migrations to the configured database
migrate: setup
	$(FLASK) db upgrade

## migration: autogenerate a migration after changing models (make migration m="what changed")
migration: setup
	$(FLASK) db migrate -m "$(m)"

## bench: run every benchmark and record its results in bench/RESULTS.md (about 30 minutes)
bench: setup
	@status=0; for script in pages case_queue reports pdf uploaded_pages uploads_memory abuse; do \
		$(BIN)/python bench/$$script.py || status=1; \
	done; exit $$status

## system-deps: Debian packages the suite needs (browser, fonts, PDF tools, OCR with the offered languages' data); run as root
system-deps:
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	  chromium chromium-driver fonts-noto-core libharfbuzz-subset0 poppler-utils postgresql-client \
	  tesseract-ocr tesseract-ocr-eng tesseract-ocr-pol tesseract-ocr-ron tesseract-ocr-urd \
	  tesseract-ocr-lit tesseract-ocr-lav

clean:
	rm -rf $(STAMP) $(BUILD) $(DIST) .pytest_cache .ruff_cache .mypy_cache
	find translations -name '*.mo' -delete
