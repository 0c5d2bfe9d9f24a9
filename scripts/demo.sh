#!/usr/bin/env bash
# The main job: sets up, builds the native tool and the WebAssembly demo, serves the demo on
# localhost, and meanwhile measures d_int90 of FC 784-200-200-10 on the default MNIST digits.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release

server_pid=""
if [ -x scripts/serve_demo.sh ]; then
  ./scripts/build_wasm.sh
  ./scripts/serve_demo.sh &
  server_pid=$!
  sleep 2
fi

mkdir -p results
build/release/native/idim dint --model fc --data mnist --json results/dint-fc-mnist.json

if [ -n "$server_pid" ]; then
  echo "The demo is still being served (see its address above); Ctrl-C stops it."
  wait "$server_pid"
fi
