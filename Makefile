# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install messages lint worker beat bench clean

# Create the virtualenv and install the project; redone only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed messages

# English translations; French, the default, needs none. Skipped without GNU gettext.
messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then \
		DEBUG=$${DEBUG:-true} $(MANAGE) compilemessages --ignore "$(VENV)" --verbosity 0; \
	else echo "msgfmt absent (paquet gettext) : l'interface restera en français."; fi

# The platform with its demo data on SQLite, tasks run inline.
run: install
	DEBUG=$${DEBUG:-true} $(MANAGE) migrate --noinput --verbosity 0
	DEBUG=$${DEBUG:-true} $(MANAGE) load_demo
	DEBUG=$${DEBUG:-true} $(MANAGE) runserver $(HOST):$(PORT)

# The whole suite: unit, API, Celery and browser tests. Uses DATABASE_URL when set.
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

worker: install
	$(BIN)/celery -A cluster worker --loglevel=info

beat: install
	$(BIN)/celery -A cluster beat --loglevel=info

clean:
	rm -rf $(VENV) staticfiles

# Benchmarks: timings and budgets of the issues, printed (not part of `make test`).
bench: install
	$(BIN)/pytest tests/bench -o python_files="bench_*.py" -s -q $(PYTEST_ARGS)
