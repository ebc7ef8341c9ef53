# Two commands matter: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-quick setup python assets translations database catalogs lint clean bench

# Beside the web server, the outbox sender runs every 5 seconds, so emails (a guest's confirmation link …)
# appear as .eml files in instance/mail/ without another command; both stop with Ctrl+C.
run: setup
	@echo "Kyoso Portal on http://$(HOST):$(PORT)/ (English: http://$(HOST):$(PORT)/en/); emails: instance/mail/"
	@$(FLASK) send-mail --watch 5 & watcher=$$!; trap 'kill $$watcher 2>/dev/null' EXIT INT TERM; \
	SESSION_COOKIE_SECURE=0 $(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite; then again on PostgreSQL when TEST_DATABASE_URL names a server
# (postgresql+psycopg://user@127.0.0.1:port/postgres; .ci/run starts one on loopback).
# The SQLite pass runs on every core (pytest-xdist); the PostgreSQL pass, with its load and fault tests, one by one.
test: setup lint
	@echo "== the suite on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/pytest -n auto
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(BIN)/pytest; \
	else \
		echo "(PostgreSQL pass skipped: TEST_DATABASE_URL is not set)"; \
	fi

# While working: the SQLite pass on every core without the browser tests and the slow ones (load, faults,
# crawls, migrations, real servers: the markers in pyproject.toml). Before a commit, `make test`.
test-quick: setup
	env -u TEST_DATABASE_URL $(BIN)/pytest -n auto -m "not slow and not browser"

setup: python assets translations database

python: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Front-end assets from the npm registry, copied into static/vendor/ (git-ignored). Built beside it and
# swapped in, and only when the packages changed: a running portal (or test server) never sees it half-made.
assets: static/vendor/.installed

static/vendor/.installed: node_modules/.installed
	rm -rf static/vendor.new
	mkdir -p static/vendor.new/htmx static/vendor.new/design-tokens
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor.new/htmx/
	cp node_modules/@digital-go-jp/design-tokens/dist/tokens.css node_modules/@digital-go-jp/design-tokens/LICENSE static/vendor.new/design-tokens/
	touch static/vendor.new/.installed
	rm -rf static/vendor && mv static/vendor.new static/vendor

# Compiled catalogs, remade only when their .po changed, written aside and renamed into place (same reason).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | python
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@.new
	mv $@.new $@

# The SQLite database under instance/, upgraded, with the demo data when it is empty.
database: python
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# After changing interface text: the standard Babel cycle, with every option in pyproject.toml ([tool.babel.*],
# shared with tests/test_i18n.py). Extract the strings to translations/messages.pot, merge them into the ja and en
# catalogs (translators' edits and comments stay; a changed string comes back fuzzy for review), compile them.
catalogs: export BABEL_PYPROJECT_TOML = pyproject.toml
catalogs: python
	$(BIN)/pybabel --quiet extract
	$(BIN)/pybabel --quiet update
	@$(MAKE) --no-print-directory translations

# Code hygiene, also run by `make test` (so by CI): style and bugs (ruff), security smells in portal/
# (bandit; waivers are `# nosec Bxxx` with the reason on the line above), known vulnerabilities in the
# installed dependencies (pip-audit; waivers with reasons in tools/audit-waivers.txt), and the layers: imports
# only run downwards (import-linter; the contract is [tool.importlinter] in pyproject.toml, docs/architecture.md).
lint: python
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit --quiet --recursive portal
	$(BIN)/python tools/audit.py

clean:
	rm -rf $(VENV) node_modules static/vendor static/vendor.new translations/*/LC_MESSAGES/*.mo

# Figures, not tests: page speed side by side with /healthz (wrk: apt-get install wrk), SQL per page, memory,
# page weight, on BENCH_DATA=demo (default) or large (made once by seed-large under /tmp/kyoso-bench);
# BENCH_ARGS=--quick for a short run, --markdown to put the table in README.md. Then registrations per
# second and seats versus capacity, and sign-in timings.
BENCH_DATA ?= demo
bench: python assets translations
	BENCH_DATA=$(BENCH_DATA) $(BIN)/python bench/pages.py $(BENCH_ARGS)
	$(BIN)/python bench/registrations.py
	$(BIN)/python bench/enumeration.py
