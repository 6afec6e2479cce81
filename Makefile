# Drover: `make run` starts the server, `make test` runs every test.
# Both install what is missing first (Debian packages; npm packages for the
# end-to-end tests from tests/e2e/package-lock.json).

BUILD_DIR ?= build
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= ./drover-data
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test tidy test-sanitize unit-test e2e-test bench bench-datasets bench-runner bench-slurm bench-vectors bench-create bench-oss bench-batch bench-console bench-catalogue bench-deps clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

configure: deps src/console/node_modules/.package-lock.json $(BUILD_DIR)/build.ninja

# The console's one npm package (uPlot), built into the binary.
src/console/node_modules/.package-lock.json: src/console/package-lock.json
	cd src/console && npm ci --no-audit --no-fund

build: configure
	ninja -C $(BUILD_DIR) -j $(JOBS) drover

run: build
	$(BUILD_DIR)/drover serve --listen $(LISTEN) --data-dir $(DATA_DIR)

# One private PostgreSQL serves every suite of the run (scripts/test-postgres.sh).
test: configure
	ninja -C $(BUILD_DIR) -j $(JOBS)
	$(MAKE) --no-print-directory tidy
	scripts/test-postgres.sh run $(MAKE) --no-print-directory unit-test e2e-test

# The static checks of .clang-tidy on every source file (a finding fails).
tidy: configure
	find src -name '*.cc' | sort | xargs -P $(JOBS) -n 4 clang-tidy -p $(BUILD_DIR) --quiet --extra-arg=-Wno-unknown-warning-option

unit-test:
	cd $(BUILD_DIR) && ../scripts/test-postgres.sh run ctest --output-on-failure -j $(JOBS)

# Every test again on an address + undefined-behaviour sanitizer build, with
# a longer run of the request fuzz (src/api/http/dispatch_fuzz_test.cc).
test-sanitize: deps src/console/node_modules/.package-lock.json tests/e2e/node_modules/.package-lock.json
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDROVER_SANITIZE=ON
	ninja -C build-asan -j $(JOBS)
	cd build-asan && DROVER_FUZZ_ITERATIONS=30000 ../scripts/test-postgres.sh run ctest --output-on-failure -j $(JOBS)
	cd tests/e2e && ASAN_OPTIONS=detect_leaks=0 DROVER_BIN=$(abspath build-asan)/drover ../../scripts/test-postgres.sh run \
	  ../../scripts/test-slurm.sh run node --test

tests/e2e/node_modules/.package-lock.json: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund

# Every end-to-end test twice: on the embedded SQLite store, then with each
# server's store in a database of its own on the run's PostgreSQL. One
# private Slurm cluster serves both (scripts/test-slurm.sh).
e2e-test: tests/e2e/node_modules/.package-lock.json
	cd tests/e2e && DROVER_BIN=$(abspath $(BUILD_DIR))/drover ../../scripts/test-postgres.sh run \
	  ../../scripts/test-slurm.sh run sh -c 'node --test && DROVER_E2E_STORE=postgres node --test'

# Benchmarks print figures; they are not tests. `make bench` installs
# PostgreSQL 15 (Debian) and the bench's npm packages when missing.
N ?= 1000000
DATASETS ?= 100000

bench-deps:
	@scripts/install-deps.sh postgresql-15 postgresql-contrib-15
	cd bench && npm ci --no-audit --no-fund

bench: build bench-deps
	N=$(N) node bench/list_bench.mjs
	N=$(DATASETS) node bench/dataset_bench.mjs

# ListDatasets alone (100,000 datasets beside PostgreSQL).
bench-datasets: build bench-deps
	N=$(DATASETS) node bench/dataset_bench.mjs

bench-runner: build
	node bench/runner_bench.mjs 1000 8 200

# Jobs through a private Slurm cluster beside the local executor and
# beside sbatch alone (scripts/test-slurm.sh).
bench-slurm: build
	node bench/slurm_bench.mjs 200 8

# VECTOR top-10 over a million SemanticIndex vectors beside a plain scan.
bench-vectors: configure
	ninja -C $(BUILD_DIR) -j $(JOBS) drover_vector_bench
	$(BUILD_DIR)/drover_vector_bench 1000000 384 20

bench-create: build
	node bench/create_bench.mjs 20000 16

# FileMetaBuild over FILES small files beside a `find -printf` walk, a
# rebuild, and every filter family of the catalogue's lists over LIST
# imported entries (make bench-catalogue FILES=1000000 LIST=10000000).
FILES ?= 200000
LIST ?= $(FILES)
bench-catalogue: build
	N=$(FILES) LIST=$(LIST) node bench/catalogue_bench.mjs

# The console in headless Chromium: first rendered list at a million jobs,
# first log lines of a million-line log.
bench-console: build bench-deps
	N=1000000 LINES=1000000 node bench/console_bench.mjs

# OSS objects: durable puts, gets, tagging and a big bucket's listing
# beside fsynced file writes (OBJECTS=1000000 for a million).
OBJECTS ?= 100000
bench-oss: build
	node bench/oss_bench.mjs $(OBJECTS) 16

# OSS batch jobs: tasks/s over a bucket, start latency, ListJobs with many
# jobs (BATCH_OBJECTS=1000000 BATCH_JOBS=100000 for the full figures).
BATCH_OBJECTS ?= 200000
BATCH_JOBS ?= 20000
bench-batch: build
	node bench/batch_bench.mjs $(BATCH_OBJECTS) $(BATCH_JOBS)

clean:
	rm -rf $(BUILD_DIR)
