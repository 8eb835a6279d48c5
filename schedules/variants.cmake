# THE variant list: every schedule point the library is built with, the equivalent of an
# autotuner's config list. CMake generates one object per entry and the runtime's registry
# (build/generated/variants.inc) from this same list; nothing else names a variant.
# Threads per block = (tile_co / reg_co) × (tile_l / reg_l), 32..1024.
#
#   name                  family tile_l tile_co reg_l reg_co stage_out stage_x
set(CONVT1D_VARIANTS
    "cpu_avx2              cpu    16     4       16    4      0         0"
    "cuda_t64x64_r8x2      cuda   64     64      8     2      0         1"
    "cuda_t128x64_r16x4    cuda   128    64      16    4      0         1"
    "cuda_t128x64_r16x4_so cuda   128    64      16    4      1         1"
    "cuda_t256x64_r32x2    cuda   256    64      32    2      0         1"
    "cuda_t128x32_r16x2    cuda   128    32      16    2      0         1"
    "cuda_t64x128_r8x4     cuda   64     128     8     4      0         1"
    "cuda_t32x64_r8x2      cuda   32     64      8     2      0         1"
    "cuda_t64x16_r8x1      cuda   64     16      8     1      0         1"
    "cuda_t64x64_r8x2_l1   cuda   64     64      8     2      0         0"
)
