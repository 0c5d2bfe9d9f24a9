#!/usr/bin/env bash
# Builds the WebAssembly module and the site, then serves the demo on 127.0.0.1 (PORT, default
# 4173) until interrupted. Run scripts/setup.sh first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-4173}
if [ ! -d web/node_modules/vite ]; then (cd web && npm install --no-audit --no-fund); fi
./scripts/build_wasm.sh
(cd web && npm run --silent build 2>&1 | tail -n 2)
echo "idim demo: open http://127.0.0.1:$port/ (Ctrl-C stops the server)"
cd web && exec ./node_modules/.bin/vite preview --host 127.0.0.1 --port "$port" --strictPort
