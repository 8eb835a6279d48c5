# THE variant list: every schedule point the library is built with, the equivalent of an
# autotuner's config list. CMake generates one object per entry and the runtime's registry
# (build/generated/variants.inc) from this same list; nothing else names a variant.
#
#   name            family  tile_l tile_co ci_chunk stage_w
set(CONVT1D_VARIANTS
    "cpu_avx2       cpu     16     4       1        0"
    "cuda_l8_c32    cuda    8      32      8        0"
    "cuda_l16_c32   cuda    16     32      8        0"
    "cuda_l32_c32   cuda    32     32      8        0"
    "cuda_l8_c64    cuda    8      64      8        0"
    "cuda_l16_c64   cuda    16     64      8        0"
    "cuda_l16_c32_w cuda    16     32      8        1"
    "cuda_l32_c32_k16 cuda  32     32      16       0"
)
