# fleetops — top-level driver. CMake builds, ctest tests; this file installs what is
# missing and strings the steps together. See README.md.
#   make build   build/fleetops
#   make test    normal build + ASan/UBSan build, every test through ctest
#   make run     build and start the lab in the browser (fleetops serve prints the address)
#   make bench   benchmarks (never timed assertions in tests)
#   make web     dist/: the static lab (page + fleetops.wasm)
#   make fuzz    libFuzzer harnesses, FUZZ_SECONDS (default 600) each
#   make soak    60 s of good and malformed requests from several clients

JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake
CTEST ?= ctest

.PHONY: all build test run bench web fuzz soak scale format clean deps-build deps-test deps-bench deps-wasm deps-web deps-pg

all: build

deps-build:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test
deps-bench:
	@scripts/deps.sh bench
deps-wasm:
	@scripts/deps.sh wasm
deps-web:
	@scripts/deps.sh web
deps-pg:
	@scripts/deps.sh pg

build/CMakeCache.txt: | deps-build
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=Release

build-asan/CMakeCache.txt: | deps-build
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFO_SANITIZE=ON

build: deps-build build/CMakeCache.txt
	$(CMAKE) --build build -j $(JOBS)

# The static lab: web/ plus the engine as WebAssembly, servable by any static host.
web: deps-wasm
	scripts/build_wasm.sh dist

# dist/ (make web) is built before any test runs: wasm_parity and web_static read it.
# deps-pg before the first configure: CMake builds the PostgreSQL ledger when libpq-dev is there
# (a build/ configured without it is reconfigured by the glob's CONFIGURE_DEPENDS only when
# sources change: `rm -rf build build-asan` after installing it by hand).
test: deps-test deps-web deps-pg build web build-asan/CMakeCache.txt
	$(CMAKE) --build build-asan -j $(JOBS)
	cd build && $(CTEST) --output-on-failure -j $(JOBS)
	cd build-asan && $(CTEST) --output-on-failure -j $(JOBS)
	scripts/lint.sh build

# The course deployment's scale test alone (ctest label "scale": PostgreSQL, two replicas behind
# nginx over TLS, a replica SIGKILLed mid-walk, PostgreSQL restarted mid-burst); make test runs
# it too.
scale: deps-test deps-pg build
	cd build && $(CTEST) --output-on-failure -L scale

run: build
	./build/fleetops serve

# bench/RESULTS.md and bench/results.json: fleetops in-process (the driver, fleetops_bench), the
# static build's interactions in fleetops.wasm (bench/wasm_interactions.mjs), the
# draws each simulation takes, the NumPy references (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
# unset for that command alone: set on some machines, they slow a current NumPy), the server
# and the ledger under load, then one report.
LOAD_PATHS = "/api/roi@1000" "/api/canary@100,1000,2000" "/api/crisis?track=edge-guardian@50,100,200"
bench: deps-bench build web
	./build/fleetops_bench --fleetops ./build/fleetops --out build/bench.json --refdir build --rounds 3
	node bench/wasm_interactions.mjs dist/fleetops.wasm build/bench_wasm.json 3
	./build/fleetops_draws > build/bench_draws.json
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/reference/run.py \
		build/bench.json build/bench_reference.json
	rm -f build/bench_load.jsonl
	FO_BENCH_JSON=build/bench_load.jsonl bench/server_load.sh ./build/fleetops $(LOAD_PATHS)
	FO_BENCH_JSON=build/bench_load.jsonl bench/ledger_load.sh ./build/fleetops
	FO_BENCH_JSON=build/bench_load.jsonl bench/ledger_session.sh ./build/fleetops
	/usr/bin/python3 bench/reference/assemble.py build bench

soak: deps-test build
	cd build && FO_SOAK_SECONDS=60 ./test_soak

fuzz: deps-build deps-wasm
	scripts/fuzz.sh

# src/util/pow5_tables.h is generated (tools/gen_pow5_tables.c); a test compares it byte for byte.
format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^src/util/pow5_tables.h$$')

clean:
	rm -rf build build-asan build-fuzz dist
