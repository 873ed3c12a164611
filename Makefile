# Switchboard: `make run` starts the app on the embedded demo; `make test` runs the whole suite.
# Both set everything up first: a .venv with the package (`run`: only what running needs), and
# for tests the dev tools, Debian's chromium and the Node counterparts.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP  := $(VENV)/.installed

.PHONY: run test lint format bench browser emoji-font node conformance clean screenshots

run: $(RUN_STAMP)
	$(BIN)/switchboard --server.port 8501 --server.address 127.0.0.1 --server.headless true

test: $(STAMP) browser node
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

screenshots: $(STAMP) emoji-font
	$(BIN)/python -m scripts.screenshots

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# The browser tests drive Debian's chromium with Playwright (no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing chromium for the browser tests…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

# The screenshots show the app's emoji as a person's browser does: Debian's colour emoji font.
emoji-font: browser
	@if [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y -qq fonts-noto-color-emoji; \
	fi

# Third-party counterparts for the interop tests (server-everything, @a2a-js/sdk, the MCP
# conformance suite) and Node 22 to run them, all inside tests/support/node (git-ignored
# node_modules); the system's npm only downloads them.
NODE_DIR   := tests/support/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed

node: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --engine-strict=false --loglevel=error
	touch $(NODE_STAMP)

# The official MCP conformance suite's client scenarios, auth ones included, run through
# Switchboard's own connection layer (tests/conformance/adapter.py).
conformance: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m tests.conformance.run --suite all

$(RUN_STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache src/*.egg-info $(NODE_DIR)/node_modules
