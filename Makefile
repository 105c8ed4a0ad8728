# The two commands of the README: `make demo` and `make test`. Both run the idempotent set-up first.
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: setup build demo test lint bench bench-batch bench-live

setup:
	bash scripts/setup.sh

build: setup
	$(CARGO) build --release

demo: build
	bash scripts/demo.sh

test: setup
	$(CARGO) test --release -- --test-threads=1

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --release --all-targets -- -D warnings

bench: build
	bash scripts/python_reference.sh >/dev/null
	$(CARGO) bench --bench pipeline

# ugoki batch --jobs 1 / 2 against ugoki analyze per clip and the pose bound (README, Performance).
bench-batch: build
	$(CARGO) bench --bench batch

bench-live: build
	$(CARGO) bench --bench live
