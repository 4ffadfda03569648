# The two commands of the README: `make demo` and `make test`. Both run the
# bootstrap (Debian packages), configure, build and then run.

BUILD      ?= build
BUILD_SAN  ?= build-sanitize
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
GENERATOR  := -G Ninja
DEMO_DIR   ?= $(BUILD)/demo-work
# Seconds each fuzz target runs inside `make test` (`make fuzz` alone: FUZZ_SECONDS).
TEST_FUZZ_SECONDS ?= 10

.PHONY: all bootstrap configure build demo test test-unit test-sanitize fuzz bench format clean

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/bin/carebridge demo --workdir $(DEMO_DIR) --fresh

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-sanitize
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

# Unit tests again with AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: bootstrap
	@cmake -S . -B $(BUILD_SAN) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DCAREBRIDGE_SANITIZE=ON -DCAREBRIDGE_BENCH=OFF >/dev/null
	@cmake --build $(BUILD_SAN) -j $(JOBS)
	ctest --test-dir $(BUILD_SAN) --output-on-failure -j $(JOBS) -L unit

# libFuzzer targets (clang), each run for FUZZ_SECONDS over its seed corpus.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	@CXX=clang++ cmake -S . -B $(BUILD_FUZZ) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAREBRIDGE_FUZZ=ON -DCAREBRIDGE_BENCH=OFF >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzz_targets
	@scripts/run-fuzzers $(BUILD_FUZZ) $(FUZZ_SECONDS)

bench: build
	scripts/run-bench $(BUILD)

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
