#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job (the CLI on its default problem, on the
# GPU when there is one, else on the CPU). Safe to run again: each step checks first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# Debian packages: compilers, GoogleTest, Google Benchmark, oneDNN (CUDA + cuDNN come with the machine).
need=()
for p in g++ libgtest-dev libgmock-dev libbenchmark-dev libdnnl-dev python3-venv; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

# Halide 21, CMake and Ninja from PyPI into the project's venv, pinned in requirements.txt.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import halide' 2>/dev/null || \
   [ requirements.txt -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  touch .venv/.installed
fi

source scripts/env.sh
cmake -S . -B build "${CMAKE_ARGS[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
if [ "${1:-}" = "--build-only" ]; then exit 0; fi
./build/convt1d variants
./build/convt1d run "${@}"
