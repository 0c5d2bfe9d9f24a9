#!/usr/bin/env bash
# The WebAssembly and browser tests: builds the module (preset wasm) and the site, builds and runs
# the native projection fixture and `idim dint` on the toy task (the page's procedure is checked
# against it), then runs node's test runner over web/tests: the module's own
# tests and the end-to-end tests in Debian's chromium. Exits non-zero on any failure.
# Artifacts (screenshots, the fixture's output) go to build/web-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ ! -d web/node_modules/vite ] || [ ! -d web/node_modules/playwright-core ]; then
  (cd web && npm install --no-audit --no-fund)
fi

echo "== WebAssembly module"
./scripts/build_wasm.sh

echo "== native projection fixture"
if [ ! -f build/release/build.ninja ]; then
  cmake --preset release -G Ninja &> build-release-web.log || { cat build-release-web.log; exit 1; }
  rm -f build-release-web.log
fi
nice cmake --build build/release --target idim_wasm_fixture -j 2 2>&1 | tail -n 1
mkdir -p build/web-artifacts
build/release/tests/wasm_fixture/idim_wasm_fixture > build/web-artifacts/wasm_fixture.json

echo "== native d_int of the toy task (the page's procedure must reach the same)"
nice cmake --build build/release --target idim -j 2 2>&1 | tail -n 1
build/release/native/idim dint --data toy --seeds 2 --searches 1 --json build/web-artifacts/native_toy_dint.json -q > /dev/null

echo "== a native model file for the page to start from (FC 784-64-5 on digits 0-4, one epoch)"
build/release/native/idim train --data mnist --classes 0-4 --widths 64 --epochs 1 -q \
  --save build/web-artifacts/native_fc64_digits0-4.idim > /dev/null

echo "== site"
(cd web && npm run --silent build 2>&1 | tail -n 3)

echo "== node tests (module, helpers) and browser tests (chromium)"
cd web
IDIM_FIXTURE_JSON="$root/build/web-artifacts/wasm_fixture.json" IDIM_WEB_ARTIFACTS="$root/build/web-artifacts" \
IDIM_NATIVE_DINT_JSON="$root/build/web-artifacts/native_toy_dint.json" \
IDIM_NATIVE_MODEL="$root/build/web-artifacts/native_fc64_digits0-4.idim" \
  node --test --test-reporter=spec tests/wasm_module.test.mjs tests/dint_procedure.test.mjs tests/dint.test.mjs tests/views.test.mjs \
  tests/e2e.test.mjs
echo "test_web: screenshots in build/web-artifacts/"
