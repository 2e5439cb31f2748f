# Hémato-Info: one target per workflow. `make run` and `make test` set up
# everything they need on a fresh clone (virtual environment, packages,
# compiled messages, database, content).

# A parent process started through pyenv's shim exports PYENV_VERSION, which
# would override .python-version and hand us Python 3.11.
unexport PYENV_VERSION

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# The first interpreter found that is Python 3.12 or newer.
PYTHON ?= $(shell unset PYENV_VERSION; for candidate in python3 python3.13 python3.12 python; do \
	$$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	&& { command -v $$candidate; break; }; done)

# What the linters read: our Python and our templates.
PY_FILES = $(shell find . -name '*.py' -not -path './.venv/*' -not -path './staticfiles/*')
TEMPLATE_FILES = $(shell find templates treatments content_translation -name '*.html')
DJANGO_TARGET := 6.1
# django-upgrade 1.33 miscounts guillemets and curly apostrophes (« ’ ») in a docstring and
# appends '."""' to it when it rewrites that file: such docstrings are written in ASCII.
DJANGO_UPGRADE = $(VENV)/bin/django-upgrade --target-version $(DJANGO_TARGET)

.PHONY: run test setup messages bench bench-search bench-static lint format clean

run: setup
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Coverage is reported; CI adds its floor: make test PYTEST_ARGS=--cov-fail-under=N
# One worker per core (up to four), each with its own test database and browser.
test: setup
	$(PY) -m pytest --numprocesses=auto --maxprocesses=4 --cov $(PYTEST_ARGS)

setup: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "gettext is missing: install it (apt-get install gettext), then run make again." >&2; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_content --initial

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Hémato-Info needs Python 3.12 or newer, and none was found: install it (e.g. 'pyenv install 3.12' or 'apt-get install python3.12'), then run make again." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable '.[test]'
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale fr --locale en --no-obsolete --add-location file --ignore=.venv --ignore=staticfiles --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup
	$(PY) tests/perf/bench.py

bench-search: setup
	$(PY) tests/perf/search_bench.py

bench-static: setup
	$(PY) tests/perf/static_bench.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@echo "django-upgrade --target-version $(DJANGO_TARGET) --check: $(words $(PY_FILES)) files"
	@$(DJANGO_UPGRADE) --check $(PY_FILES)
	@echo "djade --target-version $(DJANGO_TARGET) --check: $(words $(TEMPLATE_FILES)) templates"
	@$(VENV)/bin/djade --target-version $(DJANGO_TARGET) --check $(TEMPLATE_FILES)

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(DJANGO_UPGRADE) $(PY_FILES)
	$(VENV)/bin/djade --target-version $(DJANGO_TARGET) $(TEMPLATE_FILES)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info
