# Two commands do all the set-up on a fresh machine:
#   make run   — install, migrate, load demo data, start web + Celery worker + beat
#   make test  — run the whole test suite (set DATABASE_URL to run it on PostgreSQL)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format migrations-check messages lock clean

# Dependencies come from the lock file only (exact versions, checked by hash), the same
# here, in CI and in the image; `make lock` re-resolves it after pyproject.toml changes.
$(STAMP): requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked dependencies into $(VENV)/ …"
	@$(PY) -m pip install --quiet --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
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
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

messages: setup
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*'

lock: setup
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf var
