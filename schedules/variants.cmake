# THE variant list: every schedule point the library is built with, the equivalent of an
# autotuner's config list. CMake generates one object per entry and the runtime's registry
# (build/generated/variants.inc) from this same list; nothing else names a variant.
# CUDA: tile_l threads per block along L; each thread reg_l consecutive positions × reg_co channels
# in registers (reg_l 2 is left out: LLVM kept its accumulators in local memory, 128–256 B of stack);
# ungrouped 1 = compiled for groups == 1 only (leaner kernels), 0 = any groups;
# stage_w 1 = the block's weights in shared memory (reg_co·K·C_in·4 bytes must fit in 47 KiB);
# pad_x 1 = x zero-extended into a buffer first (one more pass over x), no boundary test in the loop;
# unroll_ci = input channels unrolled in the inner loop (independent x loads in flight).
# family auto = scheduled by Halide's Anderson2021 GPU autoscheduler for the kb74 problem
# (schedules/autoschedule.h); the knob columns do not apply to it.
# Measured and dropped (H100, docs/NOTES.md): 8 × 8 and 8 × 4 blocks, 4 × 16 and 4 × 32 blocks,
# reg_co 64, one-warp blocks with gpu_lanes.
#
#   name                 family tile_l reg_l reg_co ungrouped stage_w pad_x unroll_ci
set(CONVT1D_VARIANTS
    "cpu_avx2             cpu    16     1     4      0         0         0     1"
    "cuda_l128_c32_s      cuda   128    1     32     1         1         0     1"
    "cuda_l256_c32_s      cuda   256    1     32     1         1         0     1"
    "cuda_l128_c16_s      cuda   128    1     16     1         1         0     1"
    "cuda_l128_c32        cuda   128    1     32     1         0         0     1"
    "cuda_l128_r4_c8      cuda   128    4     8      1         0         0     1"
    "cuda_l256_r4_c8      cuda   256    4     8      1         0         0     1"
    "cuda_l64_r4_c8       cuda   64     4     8      1         0         0     1"
    "cuda_l128_r4_c8_s    cuda   128    4     8      1         1         0     1"
    "cuda_l128_r4_c4      cuda   128    4     4      1         0         0     1"
    "cuda_l128_r4_c8_g    cuda   128    4     8      0         0         0     1"
    "cuda_l128_c4_g       cuda   128    1     4      0         0         0     1"
    "cuda_l64_r4_c8_p     cuda   64     4     8      1         0         1     1"
    "cuda_l128_r4_c8_p    cuda   128    4     8      1         0         1     1"
    "cuda_l128_r4_c8_sp   cuda   128    4     8      1         1         1     1"
    "cuda_l256_c32_sp     cuda   256    1     32     1         1         1     1"
    "cuda_l128_r4_c8_gp   cuda   128    4     8      0         0         1     1"
    "cuda_l128_r4_c8_s_u2 cuda   128    4     8      1         1         0     2"
    "cuda_l128_r4_c8_s_u4 cuda   128    4     8      1         1         0     4"
    "cuda_l64_r4_c8_u4    cuda   64     4     8      1         0         0     4"
    "cuda_l128_r4_c8_sp_u4 cuda  128    4     8      1         1         1     4"
    "cuda_l128_c32_s_u4   cuda   128    1     32     1         1         0     4"
    "cuda_l128_r4_c8_g_u4 cuda   128    4     8      0         0         0     4"
    "cuda_anderson2021    auto   0      0     0      0         0         0     1"
)
