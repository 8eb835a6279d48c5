# THE variant list: every schedule point the library is built with, the equivalent of an
# autotuner's config list. CMake generates one object per entry and the runtime's registry
# (build/generated/variants.inc) from this same list; nothing else names a variant.
# CUDA: tile_l threads per block along L; each thread reg_l consecutive positions × reg_co channels
# in registers (reg_l 2 is left out: LLVM kept its accumulators in local memory, 128–256 B of stack);
# ungrouped 1 = compiled for groups == 1 only (leaner kernels), 0 = any groups;
# stage_w 1 = the block's weights in shared memory (reg_co·K·C_in·4 bytes must fit in 47 KiB);
# pad_x 1 = x zero-extended into a buffer first (one more pass over x), no boundary test in the loop;
# unroll_ci = input channels unrolled in the inner loop (independent x loads in flight).
# taps, dil = a filter length and dilation compiled in (0 = none): problems with that K and dilation at
# stride 1 with one group run the tap loop unrolled, so a thread's reg_l positions share x loads across
# taps; every other problem runs the generic loop nest of the same variant.
# regs = the register cap its kernels are JIT-compiled with (Halide's CUDA runtime compiles the PTX on
# first use and caps it at 64 registers unless told otherwise; the runtime sets the cap per variant).
# The same schedule can win at either cap: r4_c8_s_u4 took 4.09 ms on kb74 at 255 and 4.51 at 64, but
# 5.56 ms on kb79 at 255 against 3.49 at 64 (fewer warps per SM for its stride > 1 loop nest).
# stride = a stride compiled in (0 = any): the accumulators are then indexed by phase and a thread's
# reg_l outputs are reg_l/stride positions of each of the stride phases, so a warp computes one phase
# at a time (no divergent phase test, consecutive x); such a variant refuses other strides. Stride 0
# variants index by position and serve every stride (a warp's lanes in different phases above 1).
# kb79 (stride 2) 2.69 ms, wide 4.77, stride4 1.85 against 3.52, 8.02, 2.41 by position (run40, H100).
# Stride variants with staged weights stage them straight from w, without the transposed copy (whose
# kernel wrote out of bounds at C_in 64 × C_out 256 when staged from a phase-indexed block; NOTES v13).
# pad = a padding compiled in for a stride variant ("-" = none), with the dilation of the dil column:
# problems with that padding and dilation (one group) run a loop nest specialised on them, in which
# the landing test of each (phase, k_lo) is decided at compile time and Halide finds a steady state
# without x's boundary tests (PTX 3.0 -> 1.6 instructions per FMA); other problems run the generic one.
# kb79 (padding 1, dilation 2): 2.28 ms against 2.68 (run45); at 64 registers 3.20. The same for wide
# (padding 1, dilation 1: 7.47 against 4.76) and stride4 (padding 2: 5.27 against 1.85) lost.
# odd = 1: a stride variant (stride a power of two) for odd dilations only, others refused. An odd
# dilation is coprime with the stride, so each phase has exactly one landing k_lo, computed in closed
# form instead of tested: a stride-4 kernel tested 16 k_lo per tap to run 4. stride4 1.85 -> 1.33 ms,
# wide 4.76 -> 3.76 (run48, H100). Any dilation in closed form (a predicate and a k_lo loop of
# runtime extent gcd(dilation, stride) per phase) measured 1.45 and 5.24: not kept.
# only = 1: the whole tap geometry compiled into the math — filter length (taps), dilation (dil),
# padding (pad), the stride column's stride (or 1), one group — and every other problem refused. A thread's window of x is
# then reg_l + (taps − 1)·dil values at a known offset, held in registers and loaded as 16-byte
# vectors from the zero-extended x (pad_x = 1, required). kb74 3.62 -> 3.04 ms, kb64 15.8 -> 14.1
# (runs 56-59, H100; NOTES version 21), at register caps of 80 and 96 (at 255: 3.36 and 14.6, the JIT
# giving 108 registers, one warp in four, where 80 leaves 37 %). With a compiled-in stride (the
# window spans every landing phase and tap of the thread's reg_l/stride positions, which must be 4):
# wide 3.35 -> 2.46 ms (8 input channels unrolled; 2.51 at 4, 16-position blocks 2.82, 64-thread
# blocks 3.00); kb79's 8-position block 3.25 against 2.29 for its 4-position p1d2 (runs 61-62). For
# grouped (each group K 3, padding 1) the zero-extension pass per group lost: 0.85 against 0.76 ms.
# only = 1 with pad_x = 0 ("inplace"): the window read from x where it lies, as aligned 16-byte vectors
# (x's rows on 16-byte boundaries, else refused), no zero-extension pass; such a variant computes the
# middle of each row (whole blocks whose reads lie inside x) and the runtime the ends with another
# variant (runtime/src/convt1d.cpp). kb74 3.01 -> 2.62 ms, kb64 14.0 -> 12.2, wide 2.47 -> 2.44 (its
# window from position -1 takes three aligned vectors instead of two; run65 probe, H100; NOTES v22).
# stride4 (K 8, padding 2, dilation 1, stride 4) in place with 16 positions (4 per phase, so that the
# window's vectors align) × 4 channels: 1.00-1.02 ms against 1.07-1.08 for the generic odd-dilation
# variant and 1.13-1.14 zero-extended (run75). Tried for grouped's per-group problems (K 3, padding 1):
# 0.746 against 0.689 ms (each group's row ends are two more calls).
# so = 1 (stage_out): the block's outputs pass through shared memory — the accumulating threads write
# their reg_l positions as 16-byte vectors, then out's threads store consecutive positions (a warp's
# store 128 bytes in 4 whole sectors, where a thread's own 4 or 8 positions put its 32 lanes' 4-byte
# stores in 16 or 32 sectors). Shared memory per block: tile_l·reg_l·reg_co·4 bytes more (the runtime
# refuses what does not fit beside the weights). Measured (run78-79, H100): kb79 2.12 -> 1.85 ms on
# the p1d2 block, and its 8-position in-place block 2.98 -> 1.07; stride4 1.01 -> 0.63; kb74 2.30 ->
# 2.09; wide 1.89 -> 1.75 at 4 channels (8 channels and 128 threads: 64 KiB, over the limit); kb64
# 10.24 -> 10.15 (not kept: FMA-bound, its stores a small part).
# so = 2 (a stride variant): the same, stored in one plane per phase, each padded by 32/stride floats
# (no bank conflicts on either side; schedules/cuda.cpp). A/B (run85, best caps): kb79 1.03 -> 1.00 ms
# (at 72 registers; 1.07 at 255), stride4 0.56 -> 0.54; wide 1.73-1.75 -> 1.77-1.79 and the p1d2 block
# 1.85 -> 2.01 (its 2 positions per phase store scalars), which keep so = 1.
# kb79's in-place block (K 3, dilation 2, padding 1, stride 2) steps its taps by 1, not by the stride
# (schedules/schedule.h, tap_step): 3 multiply-adds per landing output where the p1d2 block runs 4.
# Its 8 positions (4 per phase, aligned windows) × 8 channels beat 8 × 16 (1.22 ms), 16 × 4 (1.32)
# and 64-thread blocks (1.12); without stage_out the same block took 2.98 ms. Register caps 72/80/96/128
# against 255 (run82): stride4's block 2.94/1.76/0.614/0.561 against 0.629 ms (cap 128 kept: 145
# registers at 255, 18.5 % occupancy in ncu run81); kb79 1.13/1.05/1.07/1.07 against 1.07-1.09 and
# wide 1.79/1.75/1.73/1.74 against 1.75 (wide left at 255: within the spread). With so = 2 kb79's block
# takes 1.00-1.01 ms at 72 and 80 against 1.10 at 255 (run85): cap 72 kept.
# cf = 1 (co_first): the grid launches a tile of positions' channel blocks together (channel blocks
# innermost), so they read the tile's x while it is in L2; with positions innermost (0) a tile's
# channel blocks are a row of tiles apart and the output written in between evicts its x. A/B (run95,
# H100): kb64 10.17-10.28 -> 9.53-9.56 ms (16 channel blocks), kb79 0.970-0.976 -> 0.952-0.965; kb74 and
# stride4 level, wide 1.738 -> 1.752-1.762 (kept at 0).
# unroll_ci 8 for the in-place kb64, kb79 and stride4 blocks (run110-111, H100, two passes each, after
# the channel-block shift of NOTES 26): kb64 9.52-9.69 -> 9.17-9.38 ms (16 channels 9.48-9.79), kb79
# 0.878 -> 0.856, stride4 0.542 -> 0.522-0.526, at the same caps without spills (ptxas: 80, 85, 155
# registers uncapped); kb74 level (2.06-2.09 -> 2.06-2.07), kept at 4. Fewer (1 or 2, for a lower cap
# and more warps) lost on kb74 and kb64 (run103: 2.15-2.61 and 11.0-12.3 ms).
# family cuda_warp = one warp per block, the tile striped over the lanes (schedules/cuda_warp.cpp);
# tile_l = 32 × the tiles a block computes in turn (its weights staged once for all of them).
# w8_r4_c8_sp: kb74 3.88 ms against 4.12 for the best thread-family variant (NOTES version 12).
# family auto = scheduled by Halide's Anderson2021 GPU autoscheduler for the kb74 problem
# (schedules/autoschedule.h); the knob columns do not apply to it.
# Measured and dropped (H100, docs/NOTES.md): 8 × 8 and 8 × 4 blocks, 4 × 16 and 4 × 32 blocks,
# reg_co 64 (all at Halide's 64-register cap), one-warp blocks with gpu_lanes; at 255 registers the
# compiled-in-taps blocks of NOTES version 11 that lost.
#
#    name                                family    tile_l reg_l reg_co ungrouped stage_w pad_x unroll_ci taps dil regs stride pad odd only so cf split
set(CONVT1D_VARIANTS
    "cpu_avx2                            cpu       16     1     4      0         0       0     1         0    0   0    0   -   0   0   0  0  0"
    "cuda_l128_c32_s                     cuda      128    1     32     1         1       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l256_c32_s                     cuda      256    1     32     1         1       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_c16_s                     cuda      128    1     16     1         1       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_c32                       cuda      128    1     32     1         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8                     cuda      128    4     8      1         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l256_r4_c8                     cuda      256    4     8      1         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l64_r4_c8                      cuda      64     4     8      1         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s                   cuda      128    4     8      1         1       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c4                     cuda      128    4     4      1         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_g                   cuda      128    4     8      0         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_c4_g                      cuda      128    1     4      0         0       0     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l64_r4_c8_p                    cuda      64     4     8      1         0       1     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_p                   cuda      128    4     8      1         0       1     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_sp                  cuda      128    4     8      1         1       1     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l256_c32_sp                    cuda      256    1     32     1         1       1     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_gp                  cuda      128    4     8      0         0       1     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u2                cuda      128    4     8      1         1       0     2         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4                cuda      128    4     8      1         1       0     4         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4_reg255         cuda      128    4     8      1         1       0     4         0    0   255  0   -   0   0   0  0  0"
    "cuda_l64_r4_c8_u4                   cuda      64     4     8      1         0       0     4         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_sp_u4               cuda      128    4     8      1         1       1     4         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_c32_s_u4                  cuda      128    1     32     1         1       0     4         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_g_u4                cuda      128    4     8      0         0       0     4         0    0   64   0   -   0   0   0  0  0"
    "cuda_l128_r4_c32_s_k5d3_reg255      cuda      128    4     32     1         1       0     1         5    3   255  0   -   0   0   0  0  0"
    "cuda_l128_r8_c16_s_k3d1_reg255      cuda      128    8     16     1         1       0     1         3    1   255  0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u2_k5d3_reg255    cuda      128    4     8      1         1       0     2         5    3   255  0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4_k3d1_reg255    cuda      128    4     8      1         1       0     4         3    1   255  0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u2_k3d1_reg255    cuda      128    4     8      1         1       0     2         3    1   255  0   -   0   0   0  0  0"
    "cuda_l128_r4_c8_sp_u4_k3d1p0_only_reg96 cuda  128    4     8      1         1       1     4         3    1   96   0   0   0   1   0  0  0"
    "cuda_l128_r4_c8_sp_u4_k5d3p0_only_reg80 cuda  128    4     8      1         1       1     4         5    3   80   0   0   0   1   0  0  0"
    "cuda_l128_r4_c8_s_u8_k3d1p0_inplace_cf_reg96 cuda 128   4     8      1         1       0     8         3    1   96   0   0   0   1   0  1  0"
    "cuda_l128_r4_c8_s_u4_k5d3p0_inplace_so_reg80 cuda 128   4     8      1         1       0     4         5    3   80   0   0   0   1   1  0  0"
    "cuda_l128_r4_c8_stride2             cuda      128    4     8      1         0       0     1         0    0   64   2   -   0   0   0  0  0"
    "cuda_l64_r4_c8_stride2              cuda      64     4     8      1         0       0     1         0    0   64   2   -   0   0   0  0  0"
    "cuda_l64_r4_c8_u4_stride2           cuda      64     4     8      1         0       0     4         0    0   64   2   -   0   0   0  0  0"
    "cuda_l128_r4_c8_g_stride2           cuda      128    4     8      0         0       0     1         0    0   64   2   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4_stride2        cuda      128    4     8      1         1       0     4         0    0   64   2   -   0   0   0  0  0"
    "cuda_l64_r4_c8_s_u4_stride2         cuda      64     4     8      1         1       0     4         0    0   64   2   -   0   0   0  0  0"
    "cuda_l128_r8_c8_s_u4_stride2_reg255 cuda      128    8     8      1         1       0     4         0    0   255  2   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4_stride2_p1d2_so_reg255 cuda 128    4     8      1         1       0     4         0    2   255  2   1   0   0   1  0  0"
    "cuda_l128_r8_c8_s_u4_stride2_odd_reg255 cuda  128    8     8      1         1       0     4         0    0   255  2   -   1   0   0  0  0"
    "cuda_l128_r8_c8_s_u2_stride2_p1d1_odd_reg255 cuda 128 8   8      1         1       0     2         0    1   255  2   1   1   0   0  0  0"
    "cuda_l128_r8_c8_s_u8_stride2_k3d2p1_inplace_so2_cf_reg72 cuda 128 8 8 1         1       0     8         3    2   72   2   1   0   1   2  1  0"
    "cuda_l128_r8_c4_sp_u8_stride2_k4d1p1_odd_only_so_reg255 cuda 128 8 4   1         1       1     8         4    1   255  2   1   1   1   1  0  0"
    "cuda_l128_r8_c4_s_u8_stride2_k4d1p1_odd_inplace_so_reg255 cuda 128 8 4 1         1       0     8         4    1   255  2   1   1   1   1  0  0"
    "cuda_l128_r4_c8_stride4             cuda      128    4     8      1         0       0     1         0    0   64   4   -   0   0   0  0  0"
    "cuda_l64_r4_c8_stride4              cuda      64     4     8      1         0       0     1         0    0   64   4   -   0   0   0  0  0"
    "cuda_l64_r4_c8_u4_stride4           cuda      64     4     8      1         0       0     4         0    0   64   4   -   0   0   0  0  0"
    "cuda_l128_r4_c8_g_stride4           cuda      128    4     8      0         0       0     1         0    0   64   4   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4_stride4        cuda      128    4     8      1         1       0     4         0    0   64   4   -   0   0   0  0  0"
    "cuda_l128_r4_c8_s_u4_stride4_odd    cuda      128    4     8      1         1       0     4         0    0   64   4   -   1   0   0  0  0"
    "cuda_l128_r16_c4_s_u8_stride4_k8d1p2_odd_inplace_so2_reg128 cuda 128 16 4 1     1       0     8         8    1   128  4   2   1   1   2  0  0"
    "cuda_l128_r8_c8_s_u4_stride4_reg255 cuda      128    8     8      1         1       0     4         0    0   255  4   -   0   0   0  0  0"
    "cuda_w8_r4_c8_sp                    cuda_warp 256    4     8      1         1       1     1         0    0   64   0   -   0   0   0  0  0"
    "cuda_phase_l128_r1_c32_p_u4_k128_cf  cuda_phase 128  1     32     1         1       1     4         0    0   96   0   -   0   0   0  1  128"
    "cuda_phase_l128_r4_c8_p_u4_k256_cf   cuda_phase 128  4     8      1         1       1     4         0    0   96   0   -   0   0   0  1  256"
    "cuda_phase_l128_r4_c16_p_u4_k128_cf  cuda_phase 128  4     16     1         1       1     4         0    0   128  0   -   0   0   0  1  128"
    "cuda_phase_l128_r4_c16_p_u4_k256_cf  cuda_phase 128  4     16     1         1       1     4         0    0   128  0   -   0   0   0  1  256"
    "cuda_phase_l128_r4_c16_p_u8_k256_cf  cuda_phase 128  4     16     1         1       1     8         0    0   128  0   -   0   0   0  1  256"
    "cuda_phase_l64_r4_c8_p_u8_k256_cf    cuda_phase 64   4     8      1         1       1     8         0    0   96   0   -   0   0   0  1  256"
    "cuda_phase_l128_r1_c32_u4_k128_cf    cuda_phase 128  1     32     1         1       0     4         0    0   96   0   -   0   0   0  1  128"
    "cuda_phase_l128_r4_c8_p_u4_cf        cuda_phase 128  4     8      1         1       1     4         0    0   96   0   -   0   0   0  1  0"
    "cuda_phase_l128_r1_c32_p_u4          cuda_phase 128  1     32     1         1       1     4         0    0   96   0   -   0   0   0  0  0"
    "cuda_phase_l128_r4_c8_u4             cuda_phase 128  4     8      1         1       0     4         0    0   96   0   -   0   0   0  0  0"
    "cuda_phase_warp_l64_r4_c8_p_u4_k256_cf  cuda_phase_warp 64 4 8   1         1       1     4         0    0   128  0   -   0   0   0  1  256"
    "cuda_phase_warp_l128_r4_c8_p_u4_k256_cf cuda_phase_warp 128 4 8  1         1       1     4         0    0   128  0   -   0   0   0  1  256"
    "cuda_phase_warp_l64_r4_c8_u4_k256_cf    cuda_phase_warp 64 4 8   1         1       0     4         0    0   128  0   -   0   0   0  1  256"
    "cuda_phase_warp_l64_r4_c8_p_u4_cf       cuda_phase_warp 64 4 8   1         1       1     4         0    0   128  0   -   0   0   0  1  0"
    "cpu_phase                           cpu_phase 16     1     4      0         0       0     1         0    0   0    0   -   0   0   0  0  0"
    "cuda_anderson2021                   auto      0      0     0      0         0       0     1         0    0   0    0   -   0   0   0  0  0"
)
