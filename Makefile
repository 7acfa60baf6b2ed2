# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `manage.py check` runs with DEBUG off, as in production; this key signs nothing.
CHECK_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-checks-only-not-a-secret}

.PHONY: run serve bench test test-tools lint format install messages check clean bench-import

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# The offline Nu HTML checker for the HTML-validity tests (needs npm to fetch, Java to run).
VNU_VERSION := 26.9.27
VNU_JAR := var/tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix var/tools vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the HTML-validity tests need vnu-jar (apt-get install npm)"; fi

test-tools: $(VNU_JAR)

run: install
	mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_seed_entities
	DJANGO_DEBUG=1 $(BIN)/python manage.py import_articles seeds/
	@echo "Serving on http://127.0.0.1:$(PORT)/ (staff: python manage.py createsuperuser)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production-like server: gunicorn, DEBUG off, DJANGO_SECRET_KEY required, static
# files collected (compressed and fingerprinted by whitenoise). Workers: one per core
# plus one, synchronous: measured on this 2-core machine against 5 and 8 sync workers and
# 3 gthread workers of 4 threads (see README, "Choosing the workers").
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# Gunicorn itself believes X-Forwarded-Proto from 127.0.0.1 (or FORWARDED_ALLOW_IPS): only
# when a reverse proxy is declared with DJANGO_PROXY_COUNT, as Django's settings do.
TRUST_FORWARDED := $(if $(filter-out 0,$(DJANGO_PROXY_COUNT)),,--forwarded-allow-ips '')
serve: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "Set DJANGO_SECRET_KEY (and DATABASE_URL) first."; exit 1; }
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/gunicorn intloffice.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
	  --worker-class sync --max-requests 5000 --max-requests-jitter 500 \
	  --access-logfile - --timeout 30 $(TRUST_FORWARDED)

# SQLite by default; PostgreSQL when DATABASE_URL is set.
# Browser tests need Chromium (apt-get install chromium) and Java; outside CI they are
# skipped with a reason when those are missing, in CI they fail.
test: install test-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install
	$(CHECK_ENV) $(BIN)/python manage.py check
	$(CHECK_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (Debian: gettext). The compiled .mo files are committed, so a fresh
# clone shows Russian and Chinese without it.
messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale ru --locale zh_Hans --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

# The whole site under load (wrk), cached and uncached: N articles (default 10,000).
bench: install
	$(BIN)/python bench/site_bench.py $(if $(N),--n $(N)) $(if $(DURATION),--duration $(DURATION))

# Import N articles (default 10,000) into a throwaway PostgreSQL database, twice.
bench-import: install
	$(BIN)/python bench/import_bench.py $(if $(N),--n $(N))

# `manage.py check --deploy` with the production defaults (DEBUG off, HTTPS, secure
# cookies) and a long random key made for this run only: any warning fails.
.PHONY: check-deploy
check-deploy: install
	env -u DJANGO_DEBUG -u DJANGO_SSL_REDIRECT -u DJANGO_HSTS_SECONDS -u DJANGO_SECURE_COOKIES \
	  DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
