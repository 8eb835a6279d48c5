#!/usr/bin/env bash
# Builds (installing what is missing) and runs the test suite; then, with --sanitize (as CI does),
# the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh --build-only
source scripts/env.sh
ctest --test-dir build --output-on-failure -j 2
if [ "${1:-}" = "--sanitize" ]; then
  # the first build's variants, as built (Halide's generated code is not instrumented either way)
  cmake -S . -B build-asan "${CMAKE_ARGS[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVT1D_SANITIZE=ON \
    -DCONVT1D_BUILD_BENCH=OFF -DCONVT1D_VARIANTS_FROM="$ROOT/build"
  cmake --build build-asan -j "$(nproc)"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j 2
fi
