# fapiao: nightly invoice reconciliation. `make help` lists the targets.
SHELL := /bin/bash
PIPELINE ?= pipelines/sample-chain.yaml
DATE ?= 2025-04-17
CONFIG ?= debug
SWIFT_FLAGS ?=
BIN_DIR = .build/$(CONFIG)
FAPIAO = $(BIN_DIR)/fapiao
SYSTEM_PACKAGES = libxml2-dev zlib1g-dev libsqlite3-dev pkg-config

.PHONY: help deps build run check extract transform load report test bench samples screenshot clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

deps: ## Install the system packages the build needs (apt, as root), when missing
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing system packages; run: sudo apt-get install -y$$missing"; exit 1; fi; fi

build: deps ## Build the fapiao command
	swift build -c $(CONFIG) $(SWIFT_FLAGS)

run: build ## Build and run the sample pipeline (extract, transform, load) for DATE, then print its summary
	$(FAPIAO) run $(PIPELINE) --date $(DATE)
	@$(FAPIAO) report $(PIPELINE) --date $(DATE)

check: build ## Lint the pipeline file and print the plan
	$(FAPIAO) check $(PIPELINE) --date $(DATE)

extract: build ## Re-run the extract stage
	$(FAPIAO) extract $(PIPELINE) --date $(DATE)

transform: build ## Re-run the transform stage from extract's stored output
	$(FAPIAO) transform $(PIPELINE) --date $(DATE)

load: build ## Re-run the load stage from transform's stored output
	$(FAPIAO) load $(PIPELINE) --date $(DATE)

report: build ## Print the terminal summary of a run
	$(FAPIAO) report $(PIPELINE) --date $(DATE)

test: deps ## Build and run every test
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS)

samples: build ## Regenerate samples/ (the committed sample chain and its truth)
	$(FAPIAO) samples --out samples --pipeline-file pipelines/sample-chain.yaml
	$(FAPIAO) samples --tax-platform --out samples/tax-platform --pipeline-file pipelines/tax-platform.yaml

bench: ## Benchmark a large generated chain (SCALE=, RUNS=, PROFILE=1, DOUBLING=0); appends to docs/BENCHMARKS.md
	bash bench/run.sh

screenshot: build ## Render the sample run's report.html to work/report.png (headless Chromium)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; }
	bash bench/screenshot-report.sh work/sample-chain/$(DATE)/out work/report.png

clean: ## Remove build output and the sample pipeline's work folder
	rm -rf .build work
