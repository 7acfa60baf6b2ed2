# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `manage.py check` runs with DEBUG off, as in production; this key signs nothing.
CHECK_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-checks-only-not-a-secret}

# Development commands run as `make run` does (DEBUG on, a throwaway key) unless the
# environment holds a production DJANGO_SECRET_KEY, as on a server.
MANAGE := $(if $(DJANGO_SECRET_KEY),,DJANGO_DEBUG=1 )$(BIN)/python manage.py
UV_VERSION := 0.13.8

.PHONY: run serve bench test test-tools lint format install install-test messages check \
	clean bench-import superuser staff lock upgrade

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exact versions with hashes from the lock files, reinstalled whenever a lock file changes
# (a security release reaches a server through `make upgrade`, a commit and a deploy).
# requirements.txt is what the site runs on; requirements-test.txt adds the test tools.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# After editing the dependencies in pyproject.toml: pin them (keeping the other pins).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UV_ARGS) \
	  pyproject.toml -o requirements.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UV_ARGS) \
	  --extra test -c requirements.txt pyproject.toml -o requirements-test.txt

# The newest releases the version ranges in pyproject.toml allow (security releases
# included); review the diff, run `make test`, commit.
upgrade:
	$(MAKE) lock UV_ARGS=--upgrade

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
	@echo "Serving on http://127.0.0.1:$(PORT)/ (an account for /admin/: make superuser)"
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
	  --access-logfile - --timeout 30 --no-control-socket $(TRUST_FORWARDED)

# SQLite by default; PostgreSQL when DATABASE_URL is set.
# Browser tests need Chromium (apt-get install chromium) and Java; outside CI they are
# skipped with a reason when those are missing, in CI they fail.
test: install-test test-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install-test
	mkdir -p var
	$(CHECK_ENV) $(BIN)/python manage.py check
	$(CHECK_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Accounts for /admin/. Each asks for a password (on a terminal; otherwise it makes one up
# and shows it once). `make staff USER=anna ROLE=editor` (or ROLE=publisher). Unattended:
# DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD in the environment.
superuser: install
	mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) createsuperuser $(if $(DJANGO_SUPERUSER_PASSWORD),--no-input)

staff: install
	@test "$(origin USER)" = "command line" -a -n "$(ROLE)" || \
	  { echo "Name the account and its role: make staff USER=anna ROLE=editor (or ROLE=publisher)"; exit 2; }
	mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) create_staff "$(USER)" --role "$(ROLE)"

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

.PHONY: faults nginx-check

# PostgreSQL restarts, a killed worker and a Redis outage under load, on 127.0.0.1, with
# the errors before, during and after each (needs PostgreSQL 15 server tools and Redis;
# uses ports 5450, 6395 and 8170).
faults: install
	$(BIN)/python bench/faults.py

# Two gunicorn servers behind nginx sharing PostgreSQL (a primary and a streaming replica
# made with pg_basebackup), Redis and media, on 127.0.0.1: an edit through one is fresh on
# the other, anonymous reads on the replica, the replica stopped under load (needs
# PostgreSQL 15 server tools, Redis, nginx and wrk; uses ports 5440-5441, 6391, 8821-8823).
.PHONY: bench-scale
bench-scale: install
	$(BIN)/python bench/scale.py

# deploy/nginx/intloffice.conf in front of gunicorn on 127.0.0.1, checked over HTTPS with
# a throwaway certificate (needs nginx: apt-get install nginx-light; ports 8180-8181).
nginx-check: install
	$(BIN)/python deploy/check_nginx.py

# One dated archive of the database and the media in BACKUP_DIR (default var/backups);
# KEEP=N deletes older archives, keeping the newest N. `make restore FILE=…` restores one
# into an empty database and media folder (FORCE=1 replaces what is there); stop the
# site first. Both need the database settings the site runs with (DATABASE_URL, MEDIA_ROOT);
# neither signs anything, so a missing secret key is not an error here.
.PHONY: backup restore
backup: install
	$(CHECK_ENV) $(BIN)/python manage.py backup $(if $(KEEP),--keep $(KEEP))

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/intloffice-….tar [FORCE=1]"; exit 2; }
	$(CHECK_ENV) $(BIN)/python manage.py restore "$(FILE)" $(if $(FORCE),--force)

# `manage.py check --deploy` with the production defaults (DEBUG off, HTTPS, secure
# cookies) and a long random key made for this run only: any warning fails.
.PHONY: check-deploy
check-deploy: install
	env -u DJANGO_DEBUG -u DJANGO_SSL_REDIRECT -u DJANGO_HSTS_SECONDS -u DJANGO_SECURE_COOKIES \
	  DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
