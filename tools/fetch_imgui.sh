#!/usr/bin/env bash
# Fetches the Dear ImGui 1.86 sources the browser app compiles with em++,
# from Debian's source package (Debian ships no wasm build of ImGui), into
# a build folder that is never committed:
#
#   tools/fetch_imgui.sh [DEST]     default DEST: build-deps/imgui
#
# Idempotent: when DEST already holds imgui.cpp and the GLFW/OpenGL3
# backends, it prints one line and does nothing. Adds a deb-src entry for
# Debian's own archive when apt has none (needs root or sudo for that).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"$root/build-deps/imgui"}

if [ -f "$dest/imgui.cpp" ] && [ -f "$dest/backends/imgui_impl_glfw.cpp" ] \
   && [ -f "$dest/backends/imgui_impl_opengl3.cpp" ]; then
  echo "fetch_imgui: ImGui sources are in $dest"
  exit 0
fi

sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"

# apt-get source needs a deb-src entry; Debian 12 images list only binaries.
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  src_list=/etc/apt/sources.list.d/ecglens-deb-src.sources
  echo "fetch_imgui: adding Debian source entries in $src_list"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      | $sudo_cmd tee "$src_list" >/dev/null
  else
    grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      | $sudo_cmd tee /etc/apt/sources.list.d/ecglens-deb-src.list >/dev/null
  fi
  $sudo_cmd apt-get update -qq
fi
# apt-get source unpacks with dpkg-source (dpkg-dev).
if ! command -v dpkg-source >/dev/null; then
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch_imgui: apt-get source imgui"
(cd "$work" && apt-get source -qq imgui >/dev/null 2>&1) || {
  echo "fetch_imgui: 'apt-get source imgui' failed (is a deb-src entry configured?)" >&2
  exit 1
}
src=$(find "$work" -maxdepth 1 -type d -name 'imgui-*' | head -n 1)
if [ -z "$src" ] || [ ! -f "$src/imgui.cpp" ]; then
  echo "fetch_imgui: the imgui source package did not unpack as expected" >&2
  exit 1
fi
version=$(sed -n 's/^#define IMGUI_VERSION *"\(.*\)"/\1/p' "$src/imgui.h")
echo "fetch_imgui: ImGui $version"

# Keep only what the app compiles, so the folder stays small.
mkdir -p "$dest.tmp/backends"
cp "$src"/imgui*.cpp "$src"/imgui*.h "$src"/imconfig.h "$src"/imstb_*.h "$dest.tmp/"
cp "$src"/backends/imgui_impl_glfw.* "$src"/backends/imgui_impl_opengl3.* "$dest.tmp/backends/"
cp "$src"/backends/imgui_impl_opengl3_loader.h "$dest.tmp/backends/" 2>/dev/null || true
cp "$src"/LICENSE.txt "$dest.tmp/" 2>/dev/null || true
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$dest.tmp" "$dest"
echo "fetch_imgui: ImGui sources are in $dest"
