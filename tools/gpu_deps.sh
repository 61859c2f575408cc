#!/usr/bin/env bash
# Gathers what a GPU machine needs to build and check the CUDA engine but may
# lack (it has nvcc, CMake and PyTorch, and no package registry): the headers
# and CMake files of Eigen, nlohmann-json and CLI11, GoogleTest's headers and
# static libraries, all from this machine's Debian packages in their /usr
# layout, plus a copy of ECG5000. The folder is ignored by git; it travels to
# the GPU machine beside the working tree, where
#   make test-gpu bench-train-gpu DATA=$PWD/.gpu-deps/ecg5000 \
#     GPU_CMAKE_FLAGS="-DCMAKE_PREFIX_PATH=$PWD/.gpu-deps/usr -DECGLENS_ONNX=OFF"
# builds without ONNX export (libonnx is not there) and runs the checks.
#   tools/gpu_deps.sh [DATA_DIR] [OUT]
set -euo pipefail
data=${1:-../shared/data/ecg5000}
out=${2:-.gpu-deps}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
rm -rf "$out"
mkdir -p "$out/usr/include" "$out/usr/share/cmake" "$out/usr/share/eigen3" \
  "$out/usr/lib/$multiarch/cmake" "$out/ecg5000"
cp -r /usr/include/eigen3 /usr/include/nlohmann /usr/include/CLI /usr/include/gtest \
  /usr/include/gmock "$out/usr/include/"
cp -r /usr/share/eigen3/cmake "$out/usr/share/eigen3/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$out/usr/share/cmake/"
cp /usr/lib/"$multiarch"/libgtest*.a /usr/lib/"$multiarch"/libgmock*.a "$out/usr/lib/$multiarch/"
cp -r /usr/lib/"$multiarch"/cmake/GTest "$out/usr/lib/$multiarch/cmake/"
cp "$data"/ECG5000_TRAIN.txt "$data"/ECG5000_TEST_binary.csv "$out/ecg5000/"
du -sh "$out"
