# The two README commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test e2e e2e-tools install lint format check-migrations clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$${PORT:-8000}/ (admin at /admin/, emails in var/mail/)"
	@# honcho hands each process a PORT counting from --port (its default is 5000).
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --port $${PORT:-8000}

test: install
	$(PY) -m pytest --ignore=tests/e2e $(PYTEST_ARGS)

# Browser tests: Debian's Chromium driven by Playwright, axe-core and the Nu HTML
# Checker from npm (vnu.jar on the machine's Java). Screenshots go to artifacts/.
e2e: install e2e-tools
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

e2e-tools: node_modules/.installed-stamp
	@command -v chromium >/dev/null || { echo "Chromium is missing: apt-get install chromium"; exit 1; }
	@command -v java >/dev/null || { echo "Java is missing: apt-get install default-jre-headless"; exit 1; }

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles
