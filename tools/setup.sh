#!/usr/bin/env bash
# Installs everything ecglens needs on a fresh Debian 12 machine, from Debian
# packages and the npm registry only. Idempotent: a second run installs nothing
# and prints one line.
#
#   tools/setup.sh            build + test dependencies (what CI needs)
#   tools/setup.sh --bench    also the reference engines for `make bench`
#   tools/setup.sh --ref      also PyTorch and scikit-learn, to regenerate the
#                             committed golden fixtures (tests/reference/)
set -euo pipefail

want_bench=0; want_ref=0
for arg in "$@"; do
  case "$arg" in
    --bench) want_bench=1 ;;
    --ref) want_ref=1 ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

debs=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  nodejs npm
  emscripten chromium dpkg-dev  # the browser app: em++, its e2e tests, apt-get source imgui
)
[ "$want_ref" = 1 ] && debs+=(python3-torch python3-numpy python3-sklearn)
[ "$want_bench" = 1 ] && debs+=(libopenblas0-pthread)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from outside Debian's package (a preinstalled node); accept it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

root=$(cd "$(dirname "$0")/.." && pwd)
# The ONNX parity tests and the benchmarks both run onnxruntime-node.
# The browser app's tests run playwright-core (and its ORT engine onnxruntime-web).
if [ ! -d "$root/node_modules/onnxruntime-node" ] || [ ! -d "$root/node_modules/playwright-core" ] \
   || [ ! -d "$root/node_modules/onnxruntime-web" ]; then
  echo "setup: installing npm packages (package-lock.json)"
  # onnxruntime-node's install script downloads from the internet; its CPU
  # binaries already ship inside the package, so skip the script.
  (cd "$root" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
echo "setup: dependencies are in place"
