#!/usr/bin/env bash
# The main job: sets up, builds the native tool and the WebAssembly demo, serves the demo on
# localhost, and meanwhile measures d_int90 of FC 784-200-200-10 on the default MNIST digits with
# the native CLI. The server keeps running afterwards until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release

mkdir -p build results
./scripts/serve_demo.sh &> build/demo-server.log &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
until grep -q "open http" build/demo-server.log; do
  kill -0 $server_pid 2>/dev/null || { cat build/demo-server.log; exit 1; }
  sleep 1
done
grep "open http" build/demo-server.log

echo "Measuring d_int90 natively: idim dint --model fc --data mnist"
build/release/native/idim dint --model fc --data mnist --json results/dint-fc-mnist.json
echo "Results: results/dint-fc-mnist.json (+ .csv, .svg). The demo is still served (see above);"
echo "open the JSON there with 'Open idim dint --json results'. Ctrl-C stops the server."
wait $server_pid
