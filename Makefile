# Tenantry: `make run` starts the suite locally, `make test` runs every test (CI calls it).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := deploy/requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])")
BUF := node_modules/.bin/buf
# npm tools (Buf, axe-core): installed again whenever the lock file changes.
NODE_TOOLS := node_modules/.installed-$(shell cat package-lock.json | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])")

.PHONY: install run test scale check lint format protos client proto-lint browser xmlsec bench wrk clean lock kubectl manifests docs image-check

# The runtime dependencies are held to the versions the container image installs (the lock file, less its hashes,
# which pip cannot check for an editable install), so the tests run what production runs; dev tools float.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@grep -oE '^[A-Za-z0-9_.-]+==[^ ;]+' $(LOCK) > $(VENV)/constraints.txt
	$(BIN)/python -m pip install --quiet -e ".[dev]" -c $(VENV)/constraints.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Start NATS, the four services and the gateway; prints the portal URL and how to sign in.
run: install xmlsec
	$(BIN)/tenantry run

## Every test: lint, contracts (generated code fresh, Buf lint when npm is present), deploy/ and the pytest suite.
test: install lint proto-lint browser xmlsec manifests $(NODE_TOOLS)
	$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/deploy --ignore=tests/scale

## The scale-out test (tests/scale, ~3 minutes on 2 cores): 2 replicas of everything on PostgreSQL, a 3-node NATS
## cluster, kills and a rolling restart under load. Too slow for every `make test`: run it nightly and before a release.
scale: install
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/scale

## Pin the runtime dependencies of pyproject.toml, with hashes, for the image (Linux x86_64, Python 3.11).
lock:
	@test -x $(BIN)/uv || $(MAKE) install
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --no-header --annotation-style line -o $(LOCK)

## kubectl renders the Kustomize overlays (it embeds kustomize); it is part of this machine image.
kubectl:
	@command -v kubectl >/dev/null || { echo "make manifests needs kubectl >= 1.27 (kustomize v5) on PATH"; exit 1; }

## Render every overlay and validate it offline; lint the Dockerfile and check the commands it and the manifests run.
manifests: install kubectl
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/deploy

## The image without Docker: a venv from the lock alone, /app laid out as the Dockerfile does, every process served.
image-check: install
	$(BIN)/python scripts/check_image.py

## Regenerate docs/settings.md and docs/audit-actions.md from the code (a test fails when either is stale).
docs: install
	$(BIN)/python scripts/gen_settings_doc.py
	$(BIN)/python scripts/gen_audit_catalogue.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services gateway tests bench

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

protos: install
	$(BIN)/python scripts/gen_protos.py

## Regenerate the typed REST client (clients/tenantry_client) from the gateway's OpenAPI document.
client: install
	$(BIN)/python scripts/gen_client.py

$(NODE_TOOLS): package-lock.json
	npm ci --silent --no-audit --no-fund
	@rm -f node_modules/.installed-*
	@touch $(NODE_TOOLS)

$(BUF): $(NODE_TOOLS)

proto-lint: $(NODE_TOOLS)
	$(BUF) lint

## Headless Chromium and its driver for the portal's browser tests, from Debian's packages.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "The browser tests need Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)"; exit 1; fi

## SAML signatures are verified by the xmlsec1 program (pysaml2's backend): Debian's `xmlsec1`, installed when missing.
xmlsec:
	@if command -v xmlsec1 >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; \
	else echo "SAML sign-in needs xmlsec1 (Debian: apt-get install xmlsec1)"; exit 1; fi

check: lint proto-lint test

## Every benchmark with its baselines, one summary in bench/results/ (HTTP rates measured with wrk).
bench: install wrk
	$(BIN)/python -m bench.summary

## wrk, the compiled HTTP load generator of the benchmarks, from Debian's package.
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "The benchmarks need wrk (Debian: apt-get install wrk)"; exit 1; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
