set -u
B=build/convt1d
run() { echo -n "$1 $2 "; shift 2; $B run "$@" 2>&1 | grep -E "time|check|failed" | sed 's/(median[^)]*)//' | tr "\n" " "; echo; }
for v in cuda_t8_r8_c8_k16_stride2_odd; do
  run $v wide --shape wide --variant $v --reps 20
  run $v odd1 --batch 3 --cin 13 --cout 19 --kernel 4 --length 1001 --stride 2 --padding 1 --dilation 3 --bias --variant $v
done
for v in cuda_t8_r8_c8_k16_stride1 cuda_t8_r4_c8_k16_stride1 cuda_t8_r8_c8_k8_stride1; do
  for s in kb74 kb64; do run $v $s --shape $s --variant $v --reps 10; done
  run $v odd1 --batch 3 --cin 13 --cout 19 --kernel 4 --length 1001 --stride 1 --padding 2 --dilation 2 --bias --variant $v
done
M=sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed.sum,smsp__sass_thread_inst_executed_op_ffma_pred_on.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared.sum,sm__warps_active.avg.pct_of_peak_sustained_active,l1tex__throughput.avg.pct_of_peak_sustained_active
for v in cuda_t8_r8_c8_k16_stride2_odd cuda_l128_r8_c8_s_u4_stride2_odd_reg255; do
  echo "== ncu $v wide"; ncu --launch-skip 3 --launch-count 1 --metrics $M $B run --shape wide --variant $v --reps 2 2>&1 | grep -E "^\s+(sm__|smsp__|l1tex)|kernel" | head -12
done
