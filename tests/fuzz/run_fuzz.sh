#!/usr/bin/env bash
# Builds one libFuzzer target with clang++ (the main build uses g++) and runs it for a bounded time
# on a seed corpus made here. Usage: run_fuzz.sh SOURCE_DIR WORK_DIR TARGET [SECONDS]
# TARGET: idx | cifar10 | mnist_json | model_file. Exits 77 (CTest skip) when clang++ or libFuzzer is missing.
set -euo pipefail
src=$1 work=$2 target=$3 seconds=${4:-20}
[ -n "${IDIM_FAST_TESTS:-}" ] && seconds=5
clang=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$clang" ]; then echo "SKIP: clang++ not found (needed for libFuzzer targets)"; exit 77; fi
mkdir -p "$work"
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
       -fno-sanitize-recover=undefined -I "$src/core/include" -I "$src/core/src")
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     "$clang" -x c++ - -fsanitize=fuzzer -o "$work/probe" 2>/dev/null; then
  echo "SKIP: $clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"; exit 77
fi

# The parsers and what they link against, built once (under a lock: CTest may run targets at once).
parts=(data/dataset_parse data/dataset_files data/dataset_transforms data/dataset_classes rng/rng
       files/model_file learned/learned_decoder_shape)
(
  flock 9
  for p in "${parts[@]}"; do
    mkdir -p "$work/$(dirname "$p")"
    if [ ! -f "$work/$p.o" ] || [ "$src/core/src/$p.cpp" -nt "$work/$p.o" ] ||
       [ -n "$(find "$src/core/include" "$src/core/src" -name '*.h' -newer "$work/$p.o")" ]; then
      "$clang" "${flags[@]}" -fsanitize=fuzzer-no-link -ffp-contract=off -c "$src/core/src/$p.cpp" -o "$work/$p.o"
    fi
  done
) 9>"$work/build.lock"
objects=("${parts[@]/#/$work/}")
"$clang" "${flags[@]}" -fsanitize=fuzzer "$src/tests/fuzz/fuzz_$target.cpp" "${objects[@]/%/.o}" -lz \
  -o "$work/fuzz_$target"

# Seeds: a few valid inputs and near misses; libFuzzer mutates from there.
corpus="$work/corpus_$target"
rm -rf "$corpus" && mkdir -p "$corpus"
case $target in
  idx)
    images='\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x40\x80\xff\x01\x02\x03\x04'
    labels='\x00\x00\x08\x01\x00\x00\x00\x02\x07\x03'
    printf "\x00\x18$images$labels" > "$corpus/raw"
    printf "$images" | gzip -c > "$work/images.gz"
    printf "$labels" | gzip -c > "$work/labels.gz"
    gz_size=$(stat -c %s "$work/images.gz")
    { printf "\\x$(printf %02x $((gz_size >> 8)))\\x$(printf %02x $((gz_size & 255)))";
      cat "$work/images.gz" "$work/labels.gz"; } > "$corpus/gz"
    ;;
  cifar10)
    { printf '\x03'; head -c 3072 /dev/urandom; printf '\x09'; head -c 3072 /dev/zero; } > "$corpus/two"
    { printf '\x0a'; head -c 3072 /dev/zero; } > "$corpus/bad_label"
    ;;
  mnist_json)
    { printf '{"data":[0'; for _ in $(seq 783); do printf ',0.5'; done; printf ']}'; } > "$corpus/one"
    { printf '{ "data" : [1e-3'; for _ in $(seq 783); do printf ', 1'; done; printf ' ] }\n'; } > "$corpus/two"
    printf '{"data":[0.1,0.2]}' > "$corpus/short"
    ;;
  model_file)
    # a valid file of 3 values (1.0, 2.0, -0.5) and a subspace file of none
    header='{"kind":"model","model":{"name":"fc","widths":[2]},"input":[1,1,1],"classes":2,"D":3,"count":3,"crc32":"CRC","seed":0,"steps":0,"data":"x","config":{}}'
    crc=$(printf '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x00\xbf' | python3 -c 'import sys,zlib;print("%08x"%zlib.crc32(sys.stdin.buffer.read()))')
    header=${header/CRC/$crc}
    { printf 'idim model file\nformat 1\nheader-bytes %d\n%s' ${#header} "$header";
      printf '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x00\xbf'; } > "$corpus/model"
    sub='{"kind":"subspace","model":{"name":"lenet","widths":[]},"input":[28,28,1],"classes":10,"D":44426,"count":0,"crc32":"00000000","seed":1,"steps":2,"data":"x","config":{},"subspace":{"method":"said","projection":"dense","d":0,"start":{"crc32":"00000000","head":"new"}}}'
    printf 'idim model file\nformat 1\nheader-bytes %d\n%s' ${#sub} "$sub" > "$corpus/subspace"
    # a learned subspace whose linear decoder (d_I = 2, D' = 1: W 1×2 and b) is the same 3 values
    learned='{"kind":"learned","model":{"name":"fc","widths":[2]},"input":[1,1,1],"classes":2,"D":10,"count":3,"crc32":"CRC","seed":0,"steps":0,"data":"x","config":{},"learned":{"decoder":"linear","d_I":2,"hidden":0,"D'"'"'":1,"projection":"fastfood","start":null}}'
    learned=${learned/CRC/$crc}
    { printf 'idim model file\nformat 1\nheader-bytes %d\n%s' ${#learned} "$learned";
      printf '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x00\xbf'; } > "$corpus/learned"
    ;;
  *) echo "unknown target $target"; exit 2 ;;
esac

cd "$work"  # crash files land here
"$work/fuzz_$target" "$corpus" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1
