set -u
B=build/convt1d
run() { echo -n "$1 $2 "; shift 2; $B run "$@" 2>&1 | grep -E "time|check|failed|refuse|error|computes" | sed 's/(median[^)]*)//' | tr "\n" " "; echo; }
for v in cuda_l128_r8_c8_sp_u2_stride2_k4d1p1_odd_only_reg255 cuda_l128_r8_c8_sp_u2_stride2_k4d1p1_odd_only_reg128 cuda_l128_r8_c8_sp_u4_stride2_k4d1p1_odd_only_reg255 cuda_l128_r8_c8_s_u2_stride2_p1d1_odd_reg255; do
  run $v wide --shape wide --variant $v --reps 30
  run $v geo --batch 3 --cin 13 --cout 19 --kernel 4 --length 1001 --stride 2 --padding 1 --dilation 1 --bias --variant $v
done
for v in cuda_l128_r8_c8_sp_u4_stride2_k3d2p1_only_reg255 cuda_l128_r4_c8_s_u4_stride2_p1d2_reg255; do
  run $v kb79 --shape kb79 --variant $v --reps 30
  run $v geo --batch 3 --cin 13 --cout 19 --kernel 3 --length 1001 --stride 2 --padding 1 --dilation 2 --bias --variant $v
done
compute-sanitizer --tool memcheck $B run --batch 3 --cin 13 --cout 19 --kernel 4 --length 1001 --stride 2 --padding 1 --dilation 1 --variant cuda_l128_r8_c8_sp_u2_stride2_k4d1p1_odd_only_reg255 --reps 1 2>&1 | grep -E "SUMMARY|failed"
compute-sanitizer --tool memcheck $B run --batch 3 --cin 13 --cout 19 --kernel 3 --length 1001 --stride 2 --padding 1 --dilation 2 --variant cuda_l128_r8_c8_sp_u4_stride2_k3d2p1_only_reg255 --reps 1 2>&1 | grep -E "SUMMARY|failed"
./build/tests/convt1d_tests --gtest_filter='*stride2_k*only*' 2>&1 | grep -E "OK|FAILED|Failure" | head
