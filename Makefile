# Synclog: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
DATA ?= synclog-data
BIN = .build/debug/synclog

.PHONY: setup build test test-swift test-conformance test-demo bench demo tour samples clean

## Install the system packages the build and the tests need (Debian), if missing.
setup:
	@if ! pkg-config --exists lmdb 2>/dev/null; then \
		echo "installing liblmdb-dev"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblmdb-dev pkg-config >/dev/null; \
	fi
	@command -v openssl >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null)
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema

build:
	$(SWIFT) build

## The whole test suite: Swift tests, the emulator's conformance test with an independent client, then `make demo` checked.
test: build
	$(SWIFT) test
	$(MAKE) test-conformance
	$(MAKE) test-demo

test-conformance:
	bash Tests/EmulatorConformance/run.sh $(BIN)

## Runs the demo and checks its figures add up (scripts/check_demo.py).
test-demo: build
	python3 scripts/check_demo.py $(BIN)

## Benchmarks (release build, nested package so library users never resolve package-benchmark).
bench:
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

## Regenerate the sample data (deterministic seed).
samples:
	python3 scripts/generate_samples.py --out Samples

## The emulator with a generated org, the worker, a few thousand activities, the activity log.
demo: build
	$(BIN) demo

## The same story without a worker or an org: the CLI over the sample files in Samples/.
tour: build
	bash scripts/offline-tour.sh $(BIN)

clean:
	rm -rf .build $(DATA)
