# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The project's Python packages: what pylint's duplicate-code check reads.
PACKAGES := $(patsubst %/__init__.py,%,$(wildcard */__init__.py))

.PHONY: run test lint format install migrate sample import browser clean serve fuzz lighthouse

$(BIN)/python:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" || { echo "Python 3.11 or newer is required: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

## Import plain-text dumps on this machine: make import [DUMPS=dir/or/files] [IMPORT_ARGS=--publish]
DUMPS ?= fixtures/dumps/
IMPORT_ARGS ?= --dry-run
import: migrate
	DEBUG=1 $(BIN)/python manage.py import_articles $(IMPORT_ARGS) $(DUMPS)

## The vocabulary and the sample, each only into an archive that has none (SAMPLE=0: no sample).
SAMPLE ?= 1
sample: migrate
	DEBUG=1 $(BIN)/python manage.py load_sample_if_empty $(if $(filter 0,$(SAMPLE)),--no-sample)
	DEBUG=1 $(BIN)/python manage.py ensure_demo_editor

## Create the venv, install, migrate, load the sample into an empty archive and serve on :8000.
run: sample
	@echo "Admin: http://127.0.0.1:8000/admin/  user: editor  password: editor (local demo account)"
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Debian's Chromium for the browser tests, installed when missing and possible.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "Chromium is missing and this user cannot apt-get it: browser tests will be skipped."; \
	  fi; }

## Lint, check formatting, check migrations and run the test suite.
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pylint $(PACKAGES)  # one rule: no six lines repeated in production code
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles

## Benchmark the reader's site on a synthetic archive (bench/README.md):
## make bench BENCH_DB=sqlite|postgres BENCH_ARTICLES=100000 BENCH_SECONDS=15
BENCH_DB ?= sqlite
BENCH_ARTICLES ?= 100000
BENCH_SECONDS ?= 15
.PHONY: bench
bench: install
	$(BIN)/python -m bench.run --db $(BENCH_DB) --articles $(BENCH_ARTICLES) --seconds $(BENCH_SECONDS)

## Production server: gunicorn (gunicorn.conf.py) with compressed, hashed static files.
## Needs SECRET_KEY and ALLOWED_HOSTS; HOST, PORT, WEB_CONCURRENCY... (README "Running in production").
serve: install
	@DEBUG=0 $(BIN)/gunicorn -c gunicorn.conf.py --check-config
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=0 exec $(BIN)/gunicorn -c gunicorn.conf.py

## Fuzz the public site: hostile requests to gunicorn on 127.0.0.1 over a temporary
## database (fuzz/run.py). Last line: "N requests, M server errors"; fails if M > 0.
FUZZ_REQUESTS ?= 100000
FUZZ_SECONDS ?= 3600
fuzz: install
	$(BIN)/python -m fuzz.run --requests $(FUZZ_REQUESTS) --seconds $(FUZZ_SECONDS)

## Fault tests on loopback (bench/faults.py): a throwaway PostgreSQL cluster restarted under
## traffic, a worker killed with -9, a backup round trip. FAULTS_ARGS=--short is CI's version.
.PHONY: faults load
faults: install
	$(BIN)/python -m bench.faults $(FAULTS_ARGS)

## Issue 13's reader mix with locust against make serve + PostgreSQL + Redis (bench/load.py):
## make load LOAD_ARGS="--seconds 600 --rate 200"; --db sqlite for the SQLite figure.
load: install
	$(BIN)/python -m bench.load $(LOAD_ARGS)

## Lighthouse (pinned in package.json) over the reader's page types, phone and desktop, median
## of 3 runs; fails below 100 in any category or with any layout shift. Needs Node 20 and
## Chromium (CHROME_PATH, default /usr/bin/chromium). LIGHTHOUSE_PAGES=home,article,search
LIGHTHOUSE_PAGES ?= home,article,search,author,topic,theme
lighthouse: install browser
	npm ci --no-audit --no-fund --silent
	$(BIN)/python -m bench.lighthouse --pages $(LIGHTHOUSE_PAGES)
