# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
DEBIAN_TEST_PACKAGES := chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0

# Python keeps compiled bytecode in __pycache__/ (ignored by git). Where the environment turns
# that off (PYTHONDONTWRITEBYTECODE=1), every process compiles its ~2,300 modules from source
# again: ~3 s of CPU a start, and the suite starts dozens of processes (ADR 0036).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run dev test lint format worker beat drain migrate seed clean debian-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# The requirements are installed with uv (from the package registry, pinned here): a fresh
# venv in ~20 s where pip takes ~4 min (docs/performance.md). Should uv be unusable, pip
# installs the same pins. XStatic-Bootstrap ships as an sdist whose setup.py needs
# pkg_resources: build it with the venv's own setuptools (<81), not in an isolated build
# environment.
UV_VERSION := 0.13.8
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

$(BIN)/uv: | $(BIN)/python
	$(PIP) install uv==$(UV_VERSION) || true

define install
	if [ -x $(BIN)/uv ] && $(UV) $(1); then :; else $(PIP) install $(1); fi
endef

$(VENV)/.runtime: requirements.txt | $(BIN)/uv
	$(call install,"setuptools<81" wheel)
	$(call install,--no-build-isolation -r requirements.txt)
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(call install,--no-build-isolation -r requirements-dev.txt)
	touch $@

debian-packages:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=""; for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi; \
	fi

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# `make run`: the portal as people see it, DEBUG off (Chinese 404/500 pages, never the debug
# page), on this machine: development secrets kept under var/ (LOCAL_SECRETS), cookies over
# plain HTTP, static files collected and served by WhiteNoise, mail printed to the console.
run: export DEBUG := false
run: export LOCAL_SECRETS := true
run: export SECURE_COOKIES := false
run: export SECURE_SSL_REDIRECT := false
run: export SECURE_HSTS_SECONDS := 0
run: export EMAIL_URL := consolemail://
run: seed
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# `make dev`: the same with DEBUG on, for development (debug pages, static files unhashed).
dev: seed
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# One worker for every queue on a development machine; production runs one per queue
# (docker-compose.yml, ADR 0026).
worker: $(VENV)/.runtime
	$(BIN)/celery -A config worker -Q portal,signing,documents,bulk,reports,notices -l info

beat: $(VENV)/.runtime
	$(BIN)/celery -A config beat -l info

drain: $(VENV)/.runtime
	$(BIN)/python manage.py drain_verification_log

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite in PYTEST_WORKERS processes (pytest-xdist, ADR 0034): each has its own test
# database and Redis database; a module's tests stay on one worker (--dist loadfile).
# PYTEST_WORKERS=0 runs it in this process; `pytest tests/x/test_y.py` alone works as ever.
PYTEST_WORKERS ?= 2
test: $(VENV)/.dev debian-packages lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var/portal.sqlite3 .pytest_cache .ruff_cache
