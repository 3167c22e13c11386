# Thin wrapper around CMake for people and CI. The program is build/jixiao.
BUILD     ?= build
BUILD_SAN ?= build-san
BUILD_BENCH ?= build-bench
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build deps demo test test-san bench install clean format

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@bash scripts/deps.sh

# The main job on a bundled fixture.
demo: deps build
	bash scripts/demo.sh $(BUILD)/jixiao

test: deps build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-san: deps
	cmake -S . -B $(BUILD_SAN) -DJIXIAO_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(BUILD_SAN) -j $(JOBS)
	ctest --test-dir $(BUILD_SAN) --output-on-failure -j $(JOBS)

# The suite under valgrind memcheck: zero errors, zero leaks (scripts/memcheck.sh).
BUILD_VG ?= build-vg
.PHONY: test-valgrind fuzz
test-valgrind: deps
	cmake -S . -B $(BUILD_VG) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(BUILD_VG) -j $(JOBS)
	JOBS=$(JOBS) bash scripts/memcheck.sh $(BUILD_VG)

# libFuzzer targets (clang, ASan+UBSan), each run FUZZ_TIME seconds, one at a time (fuzz/run.sh).
BUILD_FUZZ ?= build-fuzz
FUZZ_TIME ?= 60
fuzz:
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang -DJIXIAO_FUZZ=ON -DJIXIAO_SANITIZE=ON \
		-DJIXIAO_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_FUZZ) --target fuzz_all -j $(JOBS)
	bash fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_TIME)

# Time every stage on generated data (docs/performance.md); SIZE=large adds 100k subjects.
bench:
	@bash scripts/deps.sh bench
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_BUILD_TYPE=Release -DJIXIAO_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD_BENCH) -j $(JOBS)
	SIZE=$(SIZE) bash bench/bench.sh $(BUILD_BENCH)

install: build
	cmake --install $(BUILD)

format:
	git ls-files "*.c" "*.h" | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_BENCH)
