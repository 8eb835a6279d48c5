#!/usr/bin/env bash
# The GPU machine's one call: over a build made on the development machine (carry build/convt1d,
# build/bench and build/tests/convt1d_tests: the whole build/ is over the 64 MiB carry limit),
# run the tests on every variant, the CLI on every suite shape, compute-sanitizer on every CUDA
# variant, and the Google Benchmark suite against cuDNN. Everything lands in $OUT.
#   usage (device tool): bash scripts/gpu_suite.sh   [BENCH_FILTER=regex] [TEST_FILTER=gtest filter]
#                                                    [SANITIZE=0] [SANITIZE_MATCH=awk regex on variant names]
#                                                    [TESTS=0] [BENCH=0] [TUNE=0] [TORCH=0] [CPU=1]
#                                                    [NCU="shape:variant ..."] (profiles into $OUT/ncu.txt; the
#                                                    shapes of SHAPES where given; NCU_KERNEL=regex the kernel
#                                                    profiled whole, default the phase kernels' s0_p_pb_block:
#                                                    e.g. cols_intm for the split columns' chunk kernel)
#                                                    [SHAPES=file] (the benchmark's and PyTorch's shapes: a list in
#                                                    bench/shapes.csv's format, e.g. bench/other_layers.csv)
#   The benchmark's names are convt1d/<shape>/<who>, who one of halide_<variant>, halide_runtime,
#   cudnn_fp32, cudnn_tf32, host_*: e.g. BENCH_FILTER='(dac_up1|encodec_up1)/(halide_cuda_phase|halide_runtime|cudnn_fp32)'.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-suite-out}"
mkdir -p "$OUT"
# The device tool returns at most 8 files from $OUT: on exit every file but the benchmark's and PyTorch's
# JSON, the benchmark's text and the tuner's log is packed into one, more.tar.gz (tests.log, memcheck.txt,
# tuning.tsv, ncu.txt, gpu.txt, torch.txt; `tar xzf more.tar.gz`). Run 191's files came back cut without it.
pack_more() {
  local keep='^(bench_gpu\.json|bench_gpu\.txt|torch\.json|tune\.txt|cpu_runs\.tar\.gz|more\.tar\.gz)$' files
  files=$(cd "$OUT" && find . -maxdepth 1 -type f -printf '%f\n' | grep -Ev "$keep")
  if [ -n "$files" ]; then
    (cd "$OUT" && tar czf more.tar.gz $files && rm -f $files)
  fi
}
trap pack_more EXIT
# cuDNN on the GPU machine is PyTorch's copy
if cudnn_lib=$(python3 -c 'import nvidia.cudnn, os; print(os.path.join(list(nvidia.cudnn.__path__)[0], "lib"))' 2>/dev/null); then
  export LD_LIBRARY_PATH="$cudnn_lib:${LD_LIBRARY_PATH:-}"
fi
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.sm,temperature.gpu --format=csv | tee "$OUT/gpu.txt"
if [ "${TESTS:-1}" = 1 ]; then
  echo "== tests"
  ./build/tests/convt1d_tests --gtest_filter="${TEST_FILTER:-*}" > "$OUT/tests.log" 2>&1; echo "tests rc=$?"
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |seed|variant  \]" "$OUT/tests.log" | head -40
fi
# One line per CUDA variant that the awk condition $1 selects among `convt1d variants`' rows: name,
# stride (the variant's compiled-in one, last column, or $2 for "any"), groups column, dilation (2,
# or 3 for a variant of odd dilations only: column 10 ends in "odd"), K $3, padding $4, output_padding
# 1 — or, for a variant compiled for one geometry (column 10 "K=..,dilation=..,padding=..,only"), its
# own K, dilation and padding and output_padding 0; for one with the taps a phase compiled in
# ("phase_taps<=T"), dilation 1 and K = T·stride (one less where its phases are in classes by their taps,
# ",classes": both classes then have phases) — and the length: $5 for an in-place variant
# (column 7), else $6.
variant_problems() {
  ./build/convt1d variants | awk "$1" | awk -v any="$2" -v k0="$3" -v p0="$4" -v len_in_place="$5" -v len="$6" '{
      k=k0; d=($10 ~ /odd$/ ? 3 : 2); p=p0; op=1
      if ($10 ~ /,only$/) {split($10, f, /[=,]/); k=f[2]; d=f[4]; p=f[6]; op=0}
      s=($NF=="any" ? any : $NF)
      if ($10 ~ /^phase_taps<=/) {split($10, f, /=/); d=1; k=f[2]*s}
      if ($10 ~ /,classes$/) k=k-1
      print $1, s, $6, d, k, p, op, ($7=="in-place" ? len_in_place : len)}'
}
if [ "${SANITIZE:-1}" = 1 ]; then
  echo "== compute-sanitizer (memcheck) on every CUDA variant, a shape no tile divides"
  # stride 3 where a variant takes any, K 5, padding 2; groups 1 and 3, the 3 groups once per group
  # (--per-group) on the variants that compute one group only (column 6 "1-only"); length 999, or
  # 2500 in place (rows of a multiple of 4 floats, long enough for a middle of whole 512-position
  # blocks beside the ends another variant computes)
  variant_problems '$2=="cuda" && $1 ~ /'"${SANITIZE_MATCH:-.}"'/' 3 5 2 2500 999 |
  while read -r v s grp dil k pad op len; do
    for g in 1 3; do
      pg=""
      if [ "$g" = 3 ] && [ "$grp" = "1-only" ]; then pg="--per-group"; fi
      compute-sanitizer --tool memcheck --error-exitcode 9 ./build/convt1d run --batch 3 --cin 33 --cout 69 \
        --kernel "$k" --length "$len" --stride "$s" --padding "$pad" --dilation "$dil" --output-padding "$op" \
        --groups $g --bias --device cuda --variant "$v" $pg --reps 1 > "$OUT/memcheck.tmp" 2>&1
      rc=$?
      echo "$v stride=$s groups=$g ${pg:+per-group }rc=$rc $(grep -E 'ERROR SUMMARY|computes groups|bytes of shared|convt1d: ' "$OUT/memcheck.tmp" | head -1)"
    done
    if [[ "$v" =~ _k[0-9]+g?(_|$) ]]; then
      # a variant that splits the input channels over blocks: two chunks and a tail (K 2·stride at
      # dilation 1, a vocoder's layer; a window variant's own K where it is more, e.g. 3·stride − 1 for
      # phases in classes by their taps; a one-tap window's K = stride)
      sk=$((k > 2 * s ? k : 2 * s))
      if [[ "$k" -le "$s" ]]; then sk=$k; fi  # (one tap a phase compiled in, pt 1: K within it)
      compute-sanitizer --tool memcheck --error-exitcode 9 ./build/convt1d run --batch 2 --cin 601 --cout 40 \
        --kernel "$sk" --length 200 --stride "$s" --padding 1 --dilation 1 --bias --device cuda --variant "$v" --reps 1 \
        > "$OUT/memcheck.tmp" 2>&1
      echo "$v stride=$s K=$sk C_in=601 rc=$? $(grep -E 'ERROR SUMMARY|bytes of shared|convt1d: ' "$OUT/memcheck.tmp" | head -1)"
    fi
  done | tee "$OUT/memcheck.txt"
  echo "== compute-sanitizer (memcheck) on the compiled-in taps of every variant that has them (stride 1, or an only variant's own: their path)"
  ./build/convt1d variants | awk '$2=="cuda" && $1 ~ /'"${SANITIZE_MATCH:-.}"'/ && $10 ~ /^K=/{split($10, f, /[=,]/); print $1, f[2], f[4], (f[5]=="padding" ? f[6] : 2), ($NF=="any" ? 1 : $NF), ($7=="in-place" ? 2500 : 999)}' |
  while read -r v k d pad s len; do
    compute-sanitizer --tool memcheck --error-exitcode 9 ./build/convt1d run --batch 3 --cin 17 --cout 69 \
      --kernel "$k" --length "$len" --stride "$s" --padding "$pad" --dilation "$d" --bias --device cuda --variant "$v" --reps 1 \
      > "$OUT/memcheck.tmp" 2>&1
    echo "$v K=$k dilation=$d rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/memcheck.tmp" | head -1)"
  done | tee -a "$OUT/memcheck.txt"
  echo "== compute-sanitizer (memcheck) on the window points that take any dilation (x's copy split by the taps' step in x)"
  # (cuda_phase with phase_taps and x's copy, \$7 "padded": stride 3 at dilation 2, x's step 2 between a phase's
  # taps, K 3T − 1; stride 1 at dilation 4, K T: dilated_d4's class; NOTES 66)
  ./build/convt1d variants | awk '$2=="cuda" && $1 ~ /'"${SANITIZE_MATCH:-.}"'/ && $7=="padded" && $10 ~ /^phase_taps<=/{split($10, f, /[=,]/); print $1, f[2]}' |
  while read -r v t; do
    for sdk in "3 2 $((3 * t - 1))" "1 4 $t"; do
      read -r s d k <<< "$sdk"
      compute-sanitizer --tool memcheck --error-exitcode 9 ./build/convt1d run --batch 3 --cin 33 --cout 69 \
        --kernel "$k" --length 999 --stride "$s" --padding 2 --dilation "$d" --output-padding 1 --bias --device cuda \
        --variant "$v" --reps 1 > "$OUT/memcheck.tmp" 2>&1
      echo "$v stride=$s dilation=$d K=$k rc=$? $(grep -E 'ERROR SUMMARY|convt1d: ' "$OUT/memcheck.tmp" | head -1)"
    done
  done | tee -a "$OUT/memcheck.txt"
  echo "== compute-sanitizer (memcheck) on the compiled-in padding of every variant that has one"
  ./build/convt1d variants | awk '$2=="cuda" && $1 ~ /'"${SANITIZE_MATCH:-.}"'/ && $10 ~ /^padding=/{split($10, f, /[=,]/); print $1, f[2], f[4], $NF}' |
  while read -r v pad d s; do
    compute-sanitizer --tool memcheck --error-exitcode 9 ./build/convt1d run --batch 3 --cin 17 --cout 69 \
      --kernel 3 --length 999 --stride "$s" --padding "$pad" --dilation "$d" --bias --device cuda --variant "$v" \
      --reps 1 > "$OUT/memcheck.tmp" 2>&1
    echo "$v stride=$s padding=$pad dilation=$d rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/memcheck.tmp" | head -1)"
  done | tee -a "$OUT/memcheck.txt"
  echo "== compute-sanitizer (racecheck) on the variants that stage weights or outputs in shared memory"
  variant_problems '$2=="cuda" && $1 ~ /'"${SANITIZE_MATCH:-.}"'/ && ($8=="shared" || $9!="direct")' 2 3 1 2048 300 |
  while read -r v s _groups dil k pad _output_padding len; do
    compute-sanitizer --tool racecheck --error-exitcode 9 ./build/convt1d run --batch 2 --cin 16 --cout 40 \
      --kernel "$k" --length "$len" --stride "$s" --padding "$pad" --dilation "$dil" --device cuda --variant "$v" --reps 1 \
      > "$OUT/memcheck.tmp" 2>&1
    echo "racecheck $v stride=$s rc=$? $(grep -E 'RACECHECK SUMMARY|ERROR SUMMARY' "$OUT/memcheck.tmp" | head -1)"
  done | tee -a "$OUT/memcheck.txt"
  rm -f "$OUT/memcheck.tmp"
fi
if [ -n "${NCU:-}" ]; then
  # Nsight Compute on a variant's main kernel (its second launch: a split variant's steady-state chunk;
  # NCU_KERNEL names another, e.g. the split columns' chunk kernel, cols_intm)
  # and every kernel's duration over one call (ncu's base clocks: read the shares, not the times)
  echo "== ncu"
  for sv in $NCU; do
    shape=${sv%%:*}; v=${sv#*:}
    run=(./build/convt1d run --shape "$shape" ${SHAPES:+--file "$SHAPES"} --device cuda --variant "$v" --reps 1)
    ncu --kernel-name "regex:${NCU_KERNEL:-s0_p_pb_block}" --launch-skip 1 --launch-count 1 --section SpeedOfLight --section Occupancy \
      --section WarpStateStats --section SchedulerStats --metrics sm__inst_executed.sum,sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active,smsp__sass_thread_inst_executed_op_ffma_pred_on.sum,l1tex__data_pipe_lsu_wavefronts.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,launch__registers_per_thread \
      "${run[@]}" >> "$OUT/ncu.txt" 2>&1
    ncu --metrics gpu__time_duration.sum "${run[@]}" 2>&1 | awk '/^  _kernel/{k=$1} /gpu__time_duration/{print k, $NF, $(NF-1)}' |
      sed "s|^|$shape $v |" >> "$OUT/ncu.txt"
  done
  grep -E "^\S+ \S+ _kernel|sm__pipe_fma|Achieved Occupancy|L1/TEX Cache Throughput|Issue Slots Busy|launch__registers" "$OUT/ncu.txt"
fi
if [ "${CPU:-0}" = 1 ]; then
  # The GPU machine's CPU beside PyTorch there (its own CPU summary): carry build/bench/convt1d_bench_cpu
  # and build/cpu-libs (copies of libdnnl.so.2, libgomp.so.1 and libOpenCL.so.1 from the development machine).
  # (RUNS whole runs, default 3, for scripts/summarize_bench.py --runs; packed into one file, cpu_runs.tar.gz)
  echo "== CPU benchmark on this machine's cores, and PyTorch's CPU conv_transpose1d"
  mkdir -p "$OUT/cpu"
  for r in $(seq 1 "${RUNS:-3}"); do
    LD_LIBRARY_PATH="$PWD/build/cpu-libs:${LD_LIBRARY_PATH:-}" ./build/bench/convt1d_bench_cpu \
      --benchmark_out="$OUT/cpu/bench_cpu_run$r.json" --benchmark_out_format=json --benchmark_counters_tabular=true \
      > "$OUT/cpu/bench_cpu_run$r.txt" 2>&1; echo "bench_cpu run $r rc=$?"
    python3 scripts/torch_bench.py --device cpu --out "$OUT/cpu/torch_cpu_run$r.json" > "$OUT/cpu/torch_cpu_run$r.txt" 2>&1
  done
  tar czf "$OUT/cpu_runs.tar.gz" -C "$OUT" cpu && rm -r "$OUT/cpu"
fi
[ "${BENCH:-1}" = 1 ] || exit 0
export CONVT1D_TUNING_CACHE="$OUT/tuning.tsv"
if [ "${TUNE:-1}" = 1 ]; then
  echo "== tune (the runtime's measured choice, cached in \$OUT/tuning.tsv; SHAPES' GPU rows where given)"
  ./build/convt1d tune --device cuda ${SHAPES:+--file "$SHAPES"} 2>&1 | tee "$OUT/tune.txt"
fi
if [ "${TORCH:-1}" = 1 ]; then
  echo "== PyTorch's F.conv_transpose1d on the same shapes (fp32, TF32 off)"
  python3 scripts/torch_bench.py --shapes "${SHAPES:-bench/shapes.csv}" --out "$OUT/torch.json" 2>&1 | tee "$OUT/torch.txt"
fi
echo "== benchmark"
if [ -n "${SHAPES:-}" ]; then export CONVT1D_SHAPES="$SHAPES"; fi
./build/bench/convt1d_bench_gpu --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_out="$OUT/bench_gpu.json" \
  --benchmark_out_format=json --benchmark_counters_tabular=true 2>&1 | tee "$OUT/bench_gpu.txt" | \
  awk '/^convt1d/{printf "%-48s %10s %s\n", $1, $2, $0 ~ /ERROR|not run|wrong/ ? substr($0, index($0,$4)) : ""} !/^convt1d/' | cut -c1-160
