#!/usr/bin/env bash
# On the GPU machine, over a build made on the development machine (carry build/):
# the whole test suite on every variant, then the CLI on the suite's shapes for each CUDA variant.
# Logs go to $OUT (or ./gpu-check-out).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-check-out}"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv | tee "$OUT/gpu.txt"
./build/tests/convt1d_tests 2>&1 | tee "$OUT/tests.log" | grep -E "^\[  (PASSED|FAILED|SKIPPED) |seed|FAILED" | head -40
shapes="${SHAPES:-kb74 kb79 kb64 wide kb74_small kb64_small grouped stride4}"
for v in $(./build/convt1d variants | awk '$2=="cuda"{print $1}'); do
  for s in $shapes; do
    r=$(./build/convt1d run --shape "$s" --variant "$v" --device cuda --reps 20 --samples 2000 2>&1)
    echo "$r" >> "$OUT/cli.log"
    printf "%-18s %-11s %s | %s\n" "$v" "$s" "$(echo "$r" | grep -o 'time [0-9.]* ms')" "$(echo "$r" | grep -o 'relative error.*' | head -1)$(echo "$r" | grep 'convt1d:')"
  done
done | tee "$OUT/cli_summary.txt"
if [ "${SANITIZE:-0}" = 1 ]; then
  # compute-sanitizer memcheck on every CUDA variant, on a shape no tile divides
  for v in $(./build/convt1d variants | awk '$2=="cuda"{print $1}'); do
    compute-sanitizer --tool memcheck --error-exitcode 9 ./build/convt1d run --batch 3 --cin 33 --cout 67 --kernel 5 \
      --length 999 --stride 3 --padding 2 --dilation 2 --output-padding 1 --bias --device cuda --variant "$v" --reps 1 \
      > "$OUT/memcheck_$v.log" 2>&1
    echo "memcheck $v rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/memcheck_$v.log")"
  done | tee "$OUT/memcheck_summary.txt"
fi
