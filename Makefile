# Two commands do all the set-up on a fresh machine:
#   make run   — install, migrate, load demo data, start web + Celery worker + beat
#   make test  — run the whole test suite (set DATABASE_URL to run it on PostgreSQL)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format migrations-check messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py loaddemo
	HOST=$(HOST) PORT=$(PORT) bin/run-embedded

test: setup
	@bin/test-banner
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

messages: setup
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*'

clean:
	rm -rf var
