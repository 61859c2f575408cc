# Habits wrapped around CMake and npm; CMake does the real work.
#
#   make run        build the CLI and the browser app, and serve the app on localhost
#   make site       the browser app as one folder for any static host (site/)
#   make data       check for ECG5000 and say how to get it
#   make test       build and run the unit tests (what CI runs first)
#   make test-wasm  the unit tests as wasm under Node, and the browser app's
#                   end-to-end tests in headless Chromium
#   make sanitize   the unit tests again under AddressSanitizer + UBSan
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each
#   make bench      inference speed against ONNX Runtime, as ratios
#   make bench-train  training speed against PyTorch (one epoch), as a ratio
#   make bench-web  the browser app: wasm core against ONNX Runtime Web in
#                   headless Chromium, page start to ECG5000 scored, size
#   make test-gpu   the CUDA engine's tests (label gpu; needs an NVIDIA GPU)
#   make bench-train-gpu  the CUDA engine against PyTorch + cuDNN on the GPU
#   make goldens    regenerate the PyTorch fixtures (needs tools/setup.sh --ref)
#   make results    train and evaluate the models on ECG5000's splits into
#                   models/RESULTS.md (hours on one CPU thread; resumable)

BUILD ?= build
JOBS ?= 2
FUZZ_SECONDS ?= 30
CMAKE_FLAGS ?=
DATA ?= $(abspath ../shared/data/ecg5000)
WASM_BUILD ?= build-wasm
PORT ?= 8080
SITE ?= site

.PHONY: all deps build cli app site test sanitize fuzz bench bench-train bench-web goldens run data clean \
	wasm test-wasm test-gpu bench-train-gpu results

all: build

deps:
	@tools/setup.sh

# One configuration per build folder, shared by the targets that build
# parts of it, so switching between them never reconfigures.
CONFIGURE_NATIVE = cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DECGLENS_DATA_DIR=$(DATA) $(CMAKE_FLAGS)
# The wasm build. The page's tests compare it with the native CLI built for
# the same instruction set (SSE: $(WASM_BUILD)-native-portable) and with
# $(BUILD)'s; the bundled models' ONNX files are exported by whichever exists.
CONFIGURE_WASM = cmake -S . -B $(WASM_BUILD) -DCMAKE_TOOLCHAIN_FILE=wasm/toolchain.cmake \
	  -DCMAKE_BUILD_TYPE=Release -DECGLENS_BUILD_CLI=OFF -DECGLENS_DATA_DIR=$(DATA) \
	  -DECGLENS_NATIVE_CLI=$(abspath $(WASM_BUILD))-native-portable/native/cli/ecglens \
	  -DECGLENS_NATIVE_CLI_TUNED=$(abspath $(BUILD))/native/cli/ecglens

build: deps
	$(CONFIGURE_NATIVE)
	cmake --build $(BUILD) -j$(JOBS)

# Only what `make run` needs: the CLI (no tests), then the page (no wasm tests).
cli: deps
	$(CONFIGURE_NATIVE)
	cmake --build $(BUILD) --target ecglens -j$(JOBS)

app: cli
	tools/fetch_imgui.sh
	$(CONFIGURE_WASM)
	cmake --build $(WASM_BUILD) --target ecglens_app ecglens_web -j$(JOBS)

test: build
	ctest --test-dir $(BUILD) -LE gpu --output-on-failure -j$(JOBS)
	$(MAKE) test-wasm

# The core and its unit tests compiled with Emscripten (wasm/toolchain.cmake),
# and the browser app.
wasm: build
	tools/fetch_imgui.sh
	cmake -S . -B $(WASM_BUILD)-native-portable -DCMAKE_BUILD_TYPE=Release \
	  -DECGLENS_NATIVE_ARCH=OFF -DECGLENS_BUILD_TESTS=OFF -DECGLENS_DATA_DIR=$(DATA)
	cmake --build $(WASM_BUILD)-native-portable --target ecglens -j$(JOBS)
	$(CONFIGURE_WASM)
	cmake --build $(WASM_BUILD) -j$(JOBS)

test-wasm: wasm
	ctest --test-dir $(WASM_BUILD) --output-on-failure -j$(JOBS)

sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECGLENS_SANITIZE=ON \
	  -DECGLENS_DATA_DIR=$(DATA)
	cmake --build build-sanitize -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build-sanitize -LE gpu --output-on-failure -j$(JOBS)

fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECGLENS_FUZZ=ON \
	  -DECGLENS_BUILD_CLI=OFF -DCMAKE_CXX_COMPILER=clang++-14
	cmake --build build-fuzz -j$(JOBS)
	tests/fuzz/run_all.sh build-fuzz/tests/fuzz $(FUZZ_SECONDS)

bench:
	@tools/setup.sh --bench
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DECGLENS_BUILD_BENCH=ON -DECGLENS_DATA_DIR=$(DATA)
	cmake --build $(BUILD) --target bench_inference -j$(JOBS)
	node native/bench/compare_inference.mjs --ecglens $(BUILD)/native/bench/bench_inference \
	  --beats $(DATA)/ECG5000_TEST_binary.csv

bench-train:
	@tools/setup.sh --bench --ref
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DECGLENS_BUILD_BENCH=ON -DECGLENS_DATA_DIR=$(DATA)
	cmake --build $(BUILD) --target bench_train -j$(JOBS)
	native/bench/compare_train.sh $(BUILD)/native/bench/bench_train $(DATA)

# Every model of tools/results.py on the fixed split and seeded:0-4, with the
# baselines beside them. RESULTS_ARGS passes options on (e.g. --splits fixed).
RESULTS_ARGS ?=
results: build
	tools/results.py --ecglens $(BUILD)/native/cli/ecglens --data-dir $(DATA) $(RESULTS_ARGS)

# On a machine with an NVIDIA GPU and nvcc (ECGLENS_CUDA turns on by itself).
# GPU_CMAKE_FLAGS: what that machine needs besides (tools/gpu_deps.sh says).
GPU_BUILD ?= build-gpu
GPU_CMAKE_FLAGS ?=
test-gpu:
	cmake -S . -B $(GPU_BUILD) -DCMAKE_BUILD_TYPE=Release -DECGLENS_CUDA=ON -DECGLENS_DATA_DIR=$(DATA) \
	  $(GPU_CMAKE_FLAGS)
	cmake --build $(GPU_BUILD) --target train_cuda_tests -j$(JOBS)
	ctest --test-dir $(GPU_BUILD) -L gpu --output-on-failure

bench-train-gpu:
	cmake -S . -B $(GPU_BUILD) -DCMAKE_BUILD_TYPE=Release -DECGLENS_CUDA=ON -DECGLENS_BUILD_BENCH=ON \
	  -DECGLENS_DATA_DIR=$(DATA) $(GPU_CMAKE_FLAGS)
	cmake --build $(GPU_BUILD) --target bench_train ecglens -j$(JOBS)
	native/bench/compare_train_gpu.sh $(GPU_BUILD) $(DATA)

# Figures, not tests (native/bench/README.md, "In the browser").
bench-web: wasm
	NODE_PATH=$(abspath node_modules) node web/tests/bench.mjs --web $(WASM_BUILD)/web \
	  --beats $(DATA)/ECG5000_TEST_binary.csv

# The main job: build the CLI and the browser app (no tests: `make test`
# builds those), show what the bundled demo model does on the bundled
# synthetic beats (no download needed), then serve the browser app with the
# bundled models. ECG5000 is optional here.
RUN_MODEL ?= models/demo_synthetic_lstm_ae.ecgw
RUN_BEATS ?= models/demo_synthetic_test.csv
run: app
	$(BUILD)/native/cli/ecglens info $(RUN_MODEL)
	$(BUILD)/native/cli/ecglens eval -m $(RUN_MODEL) -i $(RUN_BEATS)
	@echo "serving the browser app: open http://localhost:$(PORT)/ (Ctrl-C stops)"
	node web/serve.mjs $(WASM_BUILD)/web --port $(PORT)

# The browser app as a static site: one folder (the page, app.js/app.wasm,
# the scoring worker, the service worker, the bundled models and their ONNX
# files, the demo beats, ONNX Runtime Web) to copy to any static host, at
# any path. web/README.md says what a host needs.
site: app
	rm -rf $(SITE)
	cp -r $(WASM_BUILD)/web $(SITE)
	rm -f $(SITE)/models/bench_lstm_ae.*  # the benchmark fixture: served for the tests only
	@echo "site: $(SITE)/ holds the browser app; copy it to any static host (web/README.md)"

data:
	@if [ -f "$(DATA)/ECG5000_TRAIN.txt" ] && [ -f "$(DATA)/ECG5000_TEST_binary.csv" ]; then \
	  echo "ECG5000 found in $(DATA)"; \
	else \
	  echo "ECG5000 not found in $(DATA)."; \
	  echo "Download ECG5000 (ECG5000_TRAIN.txt and ECG5000_TEST.txt, or the .arff/.ts files) from"; \
	  echo "the UCR archive at timeseriesclassification.com, and point DATA=... at the folder."; \
	  exit 1; \
	fi

goldens:
	/usr/bin/python3 tests/reference/make_goldens.py
	/usr/bin/python3 tests/reference/make_metric_fixtures.py

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz $(SITE)
