# Netra's two entry points: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
export LEPTOS_OUTPUT_NAME := netra
# PostgreSQL used by the tests: each test creates and drops its own database there.
export NETRA_TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test build check-content fmt

## Build in release mode and serve on http://127.0.0.1:3000 (SQLite in data/netra.db).
run: build
	$(TARGET_DIR)/release/netra serve

build:
	.ci/tools.sh
	.ci/build-site.sh release
	cargo build --release -p server --bin netra

## Every test: unit, HTTP on SQLite and PostgreSQL, browser (headless Chromium).
test:
	.ci/tools.sh --test
	.ci/build-site.sh debug
	@mkdir -p target
	set -o pipefail; cargo test --workspace --features app/ssr --all-targets --no-fail-fast 2>&1 | tee target/test-output.log
	@awk '/^test result:/ { p += $$4; f += $$6 } END { printf "tests: %d passed, %d failed\n", p, f }' target/test-output.log

check-content:
	cargo run -q -p server --bin netra -- check-content
