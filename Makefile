# Tenantry: `make run` starts the suite locally, `make test` runs every test (CI calls it).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])")
BUF := node_modules/.bin/buf

.PHONY: install run test check lint format protos client proto-lint browser bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Start NATS, the four services and the gateway; prints the portal URL and how to sign in.
run: install
	$(BIN)/tenantry run

## Every test: lint, contracts (generated code fresh, Buf lint when npm is present) and the pytest suite.
test: install lint proto-lint browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services gateway

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

protos: install
	$(BIN)/python scripts/gen_protos.py

## Regenerate the typed REST client (clients/tenantry_client) from the gateway's OpenAPI document.
client: install
	$(BIN)/python scripts/gen_client.py

$(BUF):
	npm install --silent --no-audit --no-fund

proto-lint: $(BUF)
	$(BUF) lint

## Headless Chromium and its driver for the portal's browser tests, from Debian's packages.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "The browser tests need Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)"; exit 1; fi

check: lint proto-lint test

bench: install
	$(BIN)/python -m bench.invite_flow
	$(BIN)/python -m bench.sign_in
	$(BIN)/python -m bench.members_list
	$(BIN)/python -m bench.billing

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
