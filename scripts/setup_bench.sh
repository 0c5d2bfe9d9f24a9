#!/usr/bin/env bash
# What bench/run_all.sh needs beyond the build: Debian's PyTorch (CPU, 1.13) and NumPy for the
# reference script bench/pytorch_reference.py, and OpenBLAS: Debian's torch calls libblas.so.3,
# which is the untuned netlib BLAS unless a tuned one is installed (the OpenMP build of OpenBLAS,
# so torch.set_num_threads governs it). Debian packages only (no pip).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends python3-torch python3-numpy \
  libopenblas0-openmp
/usr/bin/python3 -c "import torch, numpy; print('torch', torch.__version__, 'numpy', numpy.__version__)"
