# QiSu: `make run` serves the demo; `make test` runs the whole suite. See README.md and docs/.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
ROUTING_DATA ?= ../shared/data/routing/train.csv
export FLASK_APP := app

.PHONY: install assets translations chromium run serve-prod test test-fast test-pg lint-imports check-policy bench bench-timers bench-insight bench-db-restart bench-crash bench-load worker clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# A checkout whose node_modules is a link to another checkout's (a git worktree sharing packages)
# must not run `npm ci` through it: npm would empty the shared directory. Install there instead.
node_modules/.installed: package.json package-lock.json
	@if [ -L node_modules ]; then echo "node_modules links to $$(readlink node_modules): run npm ci there"; \
	else npm ci --no-audit --no-fund --loglevel=error && touch $@; fi

# The BPMN designer's modeler (bpmn-js + properties panel, lint, minimap, token simulation) is
# bundled from app/web/assets/designer by esbuild (about 1 s); the bundle is not committed.
DESIGNER_JS := app/web/static/dist/designer-modeler.js
$(DESIGNER_JS): node_modules/.installed $(wildcard app/web/assets/designer/*)
	npm run --silent build

assets: $(DESIGNER_JS)

install: $(VENV)/.installed node_modules/.installed $(DESIGNER_JS)

# Texts shown to users: extract the Chinese source texts (babel.cfg), add the new ones to the
# English catalog and compile it (the .mo is committed); then write each new empty `msgstr`.
translations: install
	PYTHONPATH=. $(PY) -m app.i18n.catalog

# Browser tests drive Debian's chromium (Playwright never downloads a browser here).
chromium:
	@test -x /usr/bin/chromium -a -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei)

# The demo: each step prints what it does and how long it usually takes (bin/run-demo).
run: install
	ROUTING_DATA=$(ROUTING_DATA) bin/run-demo

# Production-style: gunicorn (QISU_WEB_WORKERS, default 4) + `flask qisu worker` processes
# (QISU_WORKERS, default 2) against DATABASE_URL; see docs/operations.md "Running in production".
serve-prod: install
	bin/serve-prod

worker: install
	$(FLASK) qisu worker

test: install chromium
	$(PY) -m pytest

# Everything but the browser, training and long (fuzz) tests: the loop a developer runs often.
test-fast: install
	$(PY) -m pytest -n auto -m "not slow and not browser and not training"

# The layer contracts of pyproject.toml [tool.importlinter] (also a test: tests/unit/test_layers.py).
lint-imports: install
	$(VENV)/bin/lint-imports

# The policy scenarios (P1–P18) against workflows/ with DIR's files in place (issue 19 §5);
# exit 1 when a scenario fails. `make check-policy DIR=path/to/draft`
check-policy: install
	$(FLASK) qisu check-policy $(DIR)

test-pg: install chromium
	DATABASE_URL=$(PG_URL) $(PY) -m pytest

bench: install
	$(PY) bench/loop_rate.py --pg-url $(PG_URL)

bench-timers: install
	$(PY) bench/timer_lateness.py --pg-url $(PG_URL)

# PostgreSQL stopped for DOWN seconds under load, on a private throwaway cluster (never PG_URL).
DOWN ?= 5
bench-db-restart: install
	$(PY) bench/db_restart.py --down $(DOWN)

# kill -9 web and worker processes under load, then check nothing was lost or doubled (bench/crash.py)
bench-crash: install
	$(PY) bench/crash.py --pg-url $(PG_URL)

# 50 clients over HTTP against gunicorn + PostgreSQL, empty database vs. 1M historical cases
# (bench/load.py; the 1M database qisu_load_1m is built once and kept, LOAD_ARGS=--rebuild).
bench-load: install
	$(PY) bench/load.py --compare --history 1000000 $(LOAD_ARGS)

clean:
	rm -rf $(VENV) instance *.egg-info node_modules

bench-insight: install
	$(PY) bench/insight_queries.py
