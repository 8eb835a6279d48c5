#!/usr/bin/env bash
# The CPU benchmark in one call: the C++ suite (every CPU variant, the runtime, oneDNN; the copy
# bandwidth and FMA peak measured at start-up), PyTorch's F.conv_transpose1d on the same shapes from a
# benchmark-only venv (.venv-bench, pinned in bench/requirements-torch.txt), and the summary
# bench/results/<cpu>-<date>.{json,png}. Raw outputs under $OUT (default /tmp/convt1d-cpu-bench).
#   usage: bash scripts/bench_cpu.sh [--threads N]   (N: both contenders' threads; default all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=0
[ "${1:-}" = "--threads" ] && THREADS="$2"
[ -x build/bench/convt1d_bench_cpu ] || bash scripts/setup.sh --build-only
if [ ! -x .venv-bench/bin/python ] || [ bench/requirements-torch.txt -nt .venv-bench/.installed ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q -r bench/requirements-torch.txt
  touch .venv-bench/.installed
fi
OUT="${OUT:-/tmp/convt1d-cpu-bench}"
mkdir -p "$OUT"
if [ "$THREADS" != 0 ]; then export HL_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"; fi
# RUNS whole runs of the suite (default 3), one after another; the summary takes each contender's median
# run, so that a slow spell of the machine during one contender's turn does not decide a comparison.
RUNS="${RUNS:-3}"
benches=() torches=()
for r in $(seq 1 "$RUNS"); do
  ./build/bench/convt1d_bench_cpu --benchmark_out="$OUT/bench_cpu_run$r.json" --benchmark_out_format=json \
    --benchmark_counters_tabular=true 2>&1 | tee "$OUT/bench_cpu_run$r.txt"
  .venv-bench/bin/python scripts/torch_bench.py --device cpu --threads "$THREADS" --out "$OUT/torch_cpu_run$r.json" | \
    tee "$OUT/torch_cpu_run$r.txt"
  benches+=("$OUT/bench_cpu_run$r.json") torches+=("$OUT/torch_cpu_run$r.json")
done
.venv/bin/python scripts/summarize_bench.py --runs "${benches[@]}" --torch "${torches[@]}"
