# giamngheo — two commands: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PROVINCE ?= 75
SEED ?= 1
HOUSEHOLDS ?= 2000
export SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint bench setup deps assets messages db demo browser office clean format lock messages-check smoke

## make run: set everything up (venv, pinned deps, assets, database, geography, demo data) and serve.
run: setup db demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop), with one worker for background jobs"
	$(BIN)/python manage.py jobs_worker & trap 'kill %1 2>/dev/null' EXIT INT TERM; \
	    SECURE_COOKIES=false OTP_ENFORCE=false $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: set up and run the whole suite (SQLite by default; DATABASE_URL for PostgreSQL).
# Browser tests run last, on their own: their live server flushes the database the others share. Two
# workers, each with its own test database and live server.
test: setup browser office
	$(BIN)/pytest -n 2 -m "not browser" $(PYTEST_ARGS)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n 2 -m browser $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy giamngheo config
	$(BIN)/lint-imports
	$(MAKE) messages-check

bench: setup
	$(BIN)/python bench/run.py $(BENCH)

setup: var/secret_key deps assets messages

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

deps: $(VENV)/.deps-installed
$(VENV)/.deps-installed: requirements/dev.lock.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements/dev.lock.txt
	@touch $@

assets: node_modules/.installed
node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

messages: locale/vi/LC_MESSAGES/django.mo
locale/vi/LC_MESSAGES/django.mo: locale/vi/LC_MESSAGES/django.po | deps var/secret_key
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

## Fails when a source string has no Vietnamese translation (or a fuzzy one).
messages-check: deps var/secret_key
	@grep '^"POT-Creation-Date' locale/vi/LC_MESSAGES/django.po > var/pot-date
	$(BIN)/python manage.py makemessages -l vi --no-location --no-obsolete -v0 \
	    --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench
	@$(BIN)/python -c "import pathlib, re; p = pathlib.Path('locale/vi/LC_MESSAGES/django.po'); \
	    d = pathlib.Path('var/pot-date').read_text(encoding='utf-8'); \
	    p.write_text(re.sub(r'^\"POT-Creation-Date.*\n', lambda m: d, p.read_text(encoding='utf-8'), flags=re.M), encoding='utf-8')"
	@stats=$$(msgfmt --statistics -o /dev/null locale/vi/LC_MESSAGES/django.po 2>&1); echo "vi catalogue: $$stats"; \
	    if echo "$$stats" | grep -Eq "untranslated|fuzzy|error"; then echo "Translate the new strings in locale/vi/LC_MESSAGES/django.po"; exit 1; fi

db: setup
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py geo_load --province $(PROVINCE)

demo: db
	$(BIN)/python manage.py demo_seed --province $(PROVINCE) --households $(HOUSEHOLDS) --seed $(SEED)

## make smoke: docs/deploy.md's install on a throw-away PostgreSQL database (gunicorn, a worker, /healthz,
## /readyz, sign-in, a job), then removes only what it made (PostgreSQL and Redis on 127.0.0.1).
smoke: setup
	bash deploy/smoke.sh

## Headless Chromium for the browser tests (Debian's package; Playwright drives it with executable_path).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	    echo "Installing Debian's chromium for browser tests…"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

## LibreOffice (Calc and Writer) and poppler's pdftotext for the tests that open our generated files with
## them (Debian's packages): spreadsheets are recalculated by Calc, documents converted to PDF by Writer.
office:
	@if ! dpkg-query -W -f='$${Status}' libreoffice-calc-nogui libreoffice-writer-nogui \
	        poppler-utils fonts-liberation 2>/dev/null | grep -q '^\(install ok installed\)\{4\}$$'; then \
	    echo "Installing Debian's LibreOffice Calc and Writer and pdftotext for document tests…"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-liberation >/dev/null; \
	fi

format: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-pin dependencies after editing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --no-emit-find-links --no-emit-index-url --allow-unsafe \
	    -o requirements/base.lock.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --no-emit-find-links --no-emit-index-url --allow-unsafe \
	    --extra dev -o requirements/dev.lock.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles var/giamngheo.sqlite3* .pytest_cache .mypy_cache .ruff_cache
