# Two commands on a fresh machine: `make run` (the demo, embedded) and `make test`.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

# Tests run on PostgreSQL and Redis; these defaults are the local servers.
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/collections_office
REDIS_URL ?= redis://127.0.0.1:6379/15
PROD_CHECK_ENV := DJANGO_ENV=production ALLOWED_HOSTS=collections.example.com \
	SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP \
	FIELD_ENCRYPTION_KEYS=Y2hlY2stZGVwbG95LW9ubHkta2V5LTAxMjM0NTY3ODk= \
	FIELD_HASH_KEY=check-deploy-only-hash-key-0123456789abcdef \
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL)

.PHONY: install run test lint format lock key bench clean mutate

# Development and CI install the runtime lock plus the test tools; the production image
# installs requirements.lock alone (no pytest, Playwright or ruff).
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python scripts/run_embedded.py

test: $(STAMP)
	@DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(BIN)/python scripts/check_services.py
	@scripts/ensure_chromium.sh
	@scripts/ensure_cjk_font.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(BIN)/python manage.py makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) DJANGO_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Mutation testing on demand (not part of `make test` or CI): mutmut over the modules
# where a silent bug leaks data ([tool.mutmut] in pyproject.toml), each mutant against
# the tests that call its function; prints the score and the surviving mutants
# (docs/quality.md). Its own database, so it never touches the one `make test` uses;
# each process mutmut runs side by side takes one test database of its own (slot0, …).
MUTATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/co_mutate
MUTATE_JOBS ?= 2
# Only some mutants, by name pattern: make mutate MUTATE_ONLY='cases.selectors.* staff.*'
MUTATE_ONLY ?=

mutate: $(STAMP)
	@DATABASE_URL=$(MUTATE_DATABASE_URL) REDIS_URL=$(REDIS_URL) $(BIN)/python scripts/check_services.py
	rm -rf mutants
	DATABASE_URL=$(MUTATE_DATABASE_URL) REDIS_URL=$(REDIS_URL) DJANGO_ENV=test \
		$(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(MUTATE_ONLY)
	@$(BIN)/python scripts/mutation_report.py

# Regenerate the lock files after changing dependencies in pyproject.toml: the runtime
# lock first, then the dev lock constrained to the same runtime versions.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.12 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 --quiet \
		-c requirements.lock -o requirements-dev.lock

# A new field-encryption key (put it first in FIELD_ENCRYPTION_KEYS to rotate).
key: $(STAMP)
	@$(BIN)/python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache mutants
