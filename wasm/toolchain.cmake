# CMake toolchain for the WebAssembly build: Debian's Emscripten (3.1.6)
# plus what ecglens takes from the host. Used by `make test-wasm` and
# `make run`:
#
#   cmake -S . -B build-wasm -DCMAKE_TOOLCHAIN_FILE=wasm/toolchain.cmake
#
# Flags that every translation unit must agree on (exception handling, SIMD)
# are set here once; everything else is per target.
set(ECGLENS_EMSCRIPTEN_ROOT "/usr/share/emscripten" CACHE PATH "Emscripten's folder")
include("${ECGLENS_EMSCRIPTEN_ROOT}/cmake/Modules/Platform/Emscripten.cmake")

# Emscripten's JS optimizer needs Debian's acorn, which Node only finds
# through NODE_PATH: every compile and link goes through `env`.
set(CMAKE_CXX_COMPILER_LAUNCHER env NODE_PATH=/usr/share/nodejs)
set(CMAKE_CXX_LINKER_LAUNCHER env NODE_PATH=/usr/share/nodejs)

# Native wasm exceptions: the core reports bad input by throwing.
# -msimd128 -msse4.2: Eigen's SSE path, translated to wasm SIMD.
# wasm/compat supplies the one SSE-family header Emscripten 3.1.6 lacks.
# -fgnuc-version=5.30: Eigen's SSE path holds x86 inline asm for GCC that
# cannot compile for wasm: pmin/pmax when EIGEN_COMP_GNUC (__GNUC__ * 10 +
# __GNUC_MINOR__) < 63, register hints in the GEBP kernel when __GNUC__ >= 6.
# Clang's default (4.2) hits the first; 5.30 (EIGEN_COMP_GNUC 80, major 5)
# misses both, and the C library still sees a GNU-compatible compiler.
set(CMAKE_CXX_FLAGS_INIT "-fwasm-exceptions -msimd128 -msse4.2 -fgnuc-version=5.30 \
-isystem ${CMAKE_CURRENT_LIST_DIR}/compat")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fwasm-exceptions")

# Header-only host libraries. Eigen's own package config is safe (it adds
# /usr/include/eigen3 only); nlohmann_json and GoogleTest come from the
# small package configs beside this file, which never put /usr/include on
# the include path (its glibc headers would shadow Emscripten's libc).
set(Eigen3_DIR "/usr/share/eigen3/cmake" CACHE PATH "")
set(nlohmann_json_DIR "${CMAKE_CURRENT_LIST_DIR}/cmake/nlohmann_json" CACHE PATH "" FORCE)
set(GTest_DIR "${CMAKE_CURRENT_LIST_DIR}/cmake/GTest" CACHE PATH "" FORCE)

# Test binaries run under Node (gtest_discover_tests and ctest use this).
find_program(ECGLENS_NODE node REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${ECGLENS_NODE};--no-experimental-fetch"
    CACHE STRING "Runs wasm test binaries" FORCE)
