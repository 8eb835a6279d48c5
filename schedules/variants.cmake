# The variant list: which schedule points the library is built with, and which layer geometries
# it compiles in. schedules/CMakeLists.txt builds one Halide library per variant from these lists
# and the runtime's registry (variants.inc) from the same rows; nothing else names a variant.
# Why each point is here, and what was measured and dropped: docs/NOTES.md.
#
# Knobs (GeneratorParams of generators/convt1d_generator.cpp; sizes are powers of two):
#   family     schedules/<family>.cpp: cpu, cpu_phase, cpu_cols, cuda, cuda_warp, cuda_phase, cuda_phase_warp,
#              cuda_cols, auto
#   tile_l     GPU threads per block along the output positions (a cuda_phase window point under 64: 64 / tile_l
#              threads along its channels besides, each reg_co of them)
#   reg_l      positions per thread, in registers
#   reg_co     output channels per thread, in registers
#   ungrouped  1: compiled for groups == 1 only (grouped problems run once per group)
#   stage_w    1: the block's weights staged in shared memory
#   pad_x      1: x zero-extended into a buffer first (no boundary test); 0 with form `only`: x read in place
#   unroll_ci  input channels unrolled in the inner loop
#   regs       register cap the CUDA kernels are JIT-compiled with
#   so         stage_out (CUDA): 1 outputs through shared memory in position order, 2 one plane per phase
#   cf         co_first: channel blocks innermost in the grid
#   split      cuda_phase: input channels per block (split-K; 0 = all), each chunk a launch of its own;
#              with a `g` (512g: grid_chunks) the chunks in one launch's grid (blockIdx.z), with phase_taps only
#   pt         cuda_phase: taps a phase compiled in (0 = any): problems whose phases have at most pt
#              taps (every K ≤ pt·stride at dilation 1), x read as aligned 16-byte windows; others are
#              refused (run by the rest). In place (pad_x 0) and on the CPU the dilation must divide the
#              stride (x's tap step 1); with x's copy any dilation (the copy split by x's tap step)
#   ln         lanes (cpu_phase): 1 the tile's output channels in the vector lanes, x broadcast; 0 its positions
#   tc         tap classes (cuda_phase with pt 3, pad_x): 1 the phases computed in two kernels by their taps,
#              those with three and those with two, each summing its own (K = 2·stride + 1: 11 taps a
#              stride's phases, not the 15 slots of one kernel of three); 2 the same with the class of three
#              at reg_co / 2 channels a thread (its own tile); 0 one kernel of pt slots
#   form       what a geometry compiles in: `-` nothing (every geometry at run time, a general
#              variant); `only` its K, stride, dilation and padding, one group, other problems refused
#              (an odd dilation at a power-of-two stride takes each phase's one landing tap in closed
#              form); `stride` its stride only; `taps` its K and dilation, specialised at stride 1;
#              `pad` its stride, padding and dilation, specialised
#
#    point                                 family          tile_l reg_l reg_co ungrouped stage_w pad_x unroll_ci regs so cf split pt ln tc form
set(CONVT1D_SCHEDULE_POINTS
    # CPU (every geometry): the tested form, and the closed form by phase (cpu_phase's knobs: tile_l
    # positions a task at strides 1-2, reg_l vectors along q × reg_co channels, halved below AVX-512;
    # H200 host run 39: 4 × 4, 1 × 16, 512-position tasks and 8 channels unrolled measured side by
    # side, none faster on most shapes, NOTES 32). A cpu_phase point without split or pt also builds
    # its twin that reads weights prepared once per layer (convt1d::Layer: `<point>_packed`) and the
    # pipeline that prepares them (`<point>_pack`, generator convt1d_pack_weights): schedules/CMakeLists.txt
    "cpu                                   cpu             16     1     4      0         0       0     1         0    0  0  0     0  0     0  -"
    "cpu_phase                             cpu_phase       2048   2     8      0         0       0     4         0    0  0  0     0  0     0  -"
    # the same closed form with the output channels in the vector lanes (ln 1): a vector of 16 channels
    # (8 below AVX-512) × 26 positions (10 below AVX-512: reg_l by the register budget, not a power of
    # two, schedules/cpu_phase.cpp), x broadcast once a position for both taps of a two-taps phase.
    # The runtime's model does not rank it (the benchmark times it on every machine): on an AMD VM
    # against the row above, through a Layer alternated, bigvgan_up1_cpu 9-11 % faster, encodec_up1_cpu
    # 8 % and stride4_cpu 4-8 % slower, the others within the VM's noise, and nothing in the problems'
    # figures told them apart (NOTES 47); on the H100 machine's 16 cores grouped_cpu 1.55× faster, most
    # others slower (NOTES 53 (f)). So it is named, or measured: a CPU Layer's first forward times it
    # beside the model's choice and keeps the faster (NOTES 54 (a))
    "cpu_phase_cl                          cpu_phase       2048   26    16     0         0       0     2         0    0  0  0     0  1     0  -"
    # the same with the two-taps-a-phase class compiled in (pt 2): the batch rows folded into the planes'
    # positions, as the GPU's *_w2 points (generators/convt1d_generator.cpp), so that a machine
    # without a GPU (CI) checks that math on 500 random problems
    "cpu_phase_w2                          cpu_phase       2048   2     8      0         0       0     4         0    0  0  0     2  0     0  -"
    # and with the input channels in chunks of 16 besides: the chunks' sums added to the bias where
    # the output reads them, as the GPU's split points (`_k512_cf_w2`) do, so that CI checks that math
    # on 500 random problems (one in five over two chunks and a few channels more, grouped or not)
    "cpu_phase_w2_k16                      cpu_phase       2048   2     8      0         0       0     4         0    0  0  16    2  0     0  -"
    # the columns' form (family cpu_cols, schedules/cpu_phase.cpp): for every input position the sums over
    # input channels of all K taps of a block of channels at once (reg_co 16: 16 channels a task with
    # AVX-512, 8 below), each phase then adding its taps' columns; reg_l 2 as cpu_phase's planes. For layers
    # of few output channels (a separation model's decoder: C_out 1, K 16, stride 8), where cpu_phase's
    # tile computes 8 channels for 1 and reads x once a phase and tap (NOTES 56)
    "cpu_cols                              cpu_cols        2048   2     16     0         0       0     4         0    0  0  0     0  0     0  -"
    # general CUDA, by position: any groups (kb74_small, and the concurrency tests' one kernel)
    "cuda_l128_c4_g                        cuda            128    1     4      0         0       0     1         64   0  0  0     0  0     0  -"
    # general CUDA, by position, staged weights: grouped's per-group calls, kb64_small
    "cuda_l128_r4_c8_s_u4                  cuda            128    4     8      1         1       0     4         64   0  0  0     0  0     0  -"
    "cuda_l128_r4_c8_s_u4_reg255           cuda            128    4     8      1         1       0     4         255  0  0  0     0  0     0  -"
    # general CUDA by phase (the closed form): the vocoders' layers (split over input channels), the
    # general column of every stride > 1 shape, tiny_odd
    "cuda_phase_l128_r4_c16_p_u8_k256_cf   cuda_phase      128    4     16     1         1       1     8         128  0  1  256   0  0     0  -"
    "cuda_phase_l128_r4_c16_p_u4_k128_cf   cuda_phase      128    4     16     1         1       1     4         128  0  1  128   0  0     0  -"
    "cuda_phase_l128_r4_c8_p_u4_cf         cuda_phase      128    4     8      1         1       1     4         96   0  1  0     0  0     0  -"
    "cuda_phase_l128_r4_c8_u4              cuda_phase      128    4     8      1         1       0     4         96   0  0  0     0  0     0  -"
    "cuda_phase_l128_r1_c32_p_u4           cuda_phase      128    1     32     1         1       1     4         96   0  0  0     0  0     0  -"
    # general CUDA by phase, at most two taps a phase (the vocoders' K = 2·stride at dilation 1; K,
    # stride, padding and, since NOTES 66, dilation at run time): x as aligned 16-byte
    # windows (NOTES 29). Run 24 (H200, ms, before the phases' offsets were tabulated): dac_up1 4.60
    # -> 4.45, bigvgan_up1 2.36 -> 2.32 (r4 × c16, 256-channel chunks, 168 registers); encodec_up1
    # 1.14 -> 1.03, bigvgan_up3 1.31 -> 1.21 (r4 × c8); wide's general 2.59 -> 2.42 (r4 × c16 whole).
    # Three taps (kb64's K 3 at stride 1, or kb79's K 3 at stride 2, dilation 2): kb64's general 17.3 ->
    # 14.0 ms (run 28; kb79 3.28 against 2.70 for r1 × c32). Chunks of 512 (64 KiB of weights, over the
    # 48 KiB a kernel gets without the opt-in the runtime's launches now make): dac_up1 and
    # bigvgan_up1 3 chunks instead of 6 (NOTES 30); the whole c16 block: encodec_up1 (64 KiB) 0.960 ms
    # where the c8 block took 1.04 (run 33)
    "cuda_phase_l128_r4_c16_p_u8_k256_cf_w2_reg168 cuda_phase 128 4     16     1         1       1     8         168  0  1  256   2  0     0  -"
    "cuda_phase_l128_r4_c16_p_u8_k512_cf_w2_reg168 cuda_phase 128 4     16     1         1       1     8         168  0  1  512   2  0     0  -"
    # the k512 split with two warps a block and 8 channels a thread (l64 × c8): layers of few positions and many
    # channels, where the l128 × c16 block leaves most of its threads past the row's end (demucs_up1: x 4 × 2048
    # × 40, K 8 at stride 4, 40 positions a phase: 40 busy threads of 128, all computing, NOTES 61 (j)). H100
    # run 178, ms: demucs_up1 0.381 against 0.518 for the k512 point above (cuDNN FP32 0.302); l32 × c8,
    # l32 × c16 and l32 × c8 at k256 were measured beside it and were fastest nowhere (NOTES 62); l64 × c16
    # neither (run 182). Its chunks in one grid (512g): demucs_up1 0.372 -> 0.330, batch64_short 0.154 -> 0.126,
    # and 1.00-1.13× on the other 10 layers it runs; the 128 × 16 points so measured 5-12 % slower on the
    # large layers, so they launch a chunk at a time (H100 run 184, NOTES 63 (e))
    "cuda_phase_l64_r4_c8_p_u8_k512g_cf_w2_reg168 cuda_phase 64 4     8      1         1       1     8         168  0  1  512g  2  0     0  -"
    # 32 threads along the positions × 2 along the channels (a window point under 64 position threads: 64 / tile_l
    # channel threads, schedules/geometry.h), 8 channels a thread, chunks of 256 in one grid: a tile of 128
    # positions × 16 channels for a single short row (HiFi-GAN's first upsampler at batch 1, 100 positions: 104
    # slots a phase, which the 64 × 8 tile of 256 left 152 idle). H100 runs 193-194, ms: hifigan_b1_up1
    # 0.049-0.052 against 0.066-0.070 for the point above and 0.056 for the columns' form (cuDNN FP32 0.056);
    # level on batch64_short (0.122-0.124 against 0.125-0.130 for the 128 × 16 k512 point); elsewhere slower.
    # 16 × 4 threads (tiles of 64 positions), at chunks of 128 or 256 and 8 or 4 channels a thread, were fastest
    # nowhere (demucs_up1 0.43-0.44 against 0.33; NOTES 65)
    "cuda_phase_l32_r4_c8_p_u8_k256g_cf_w2_reg168 cuda_phase 32 4     8      1         1       1     8         168  0  1  256g  2  0     0  -"
    # one tap a phase compiled in (pt 1: K <= stride at dilation 1, e.g. a pointwise K 1 at stride 1, or K 2
    # at stride 4): no second, zero tap a phase as the w2 points run there. H100 run 178, ms: pointwise_k1
    # (8 × 512 × 2000, K 1) 0.328 against 0.412 for the k256 point (cuDNN FP32 0.310); gaps_s4k2 0.125
    # against 0.124; its k256 split at 168 registers measured 0.421 and 0.136 and is not built (NOTES 62)
    "cuda_phase_l128_r4_c16_p_u8_cf_w1     cuda_phase      128    4     16     1         1       1     8         128  0  1  0     1  0     0  -"
    "cuda_phase_l128_r4_c8_p_u4_cf_w2      cuda_phase      128    4     8      1         1       1     4         96   0  1  0     2  0     0  -"
    "cuda_phase_l128_r4_c16_p_u8_cf_w2     cuda_phase      128    4     16     1         1       1     8         128  0  1  0     2  0     0  -"
    "cuda_phase_l128_r4_c16_p_u8_cf_w3     cuda_phase      128    4     16     1         1       1     8         128  0  1  0     3  0     0  -"
    # the same window of three with the phases in two classes by their taps (tc 1): a kernel for the
    # phases of three taps and one for those of two, each summing its own (K = 2·stride + 1, e.g. K 11 at
    # stride 5: 11 taps a stride's phases where the row above multiplies 15 slots). H100 run 128, ms against
    # the row above: K 11 at stride 5 1.41 / 1.94 (cuDNN FP32 1.36), K 9 at 4 2.19 / 2.98 (2.21), K 7 at 3
    # 0.906 / 1.00 (0.956); kb79's general column 1.76 / 2.85 (only the phases a tap lands on; NOTES 51)
    "cuda_phase_l128_r4_c16_p_u8_cf_w3c    cuda_phase      128    4     16     1         1       1     8         128  0  1  0     3  0     1  -"
    # and split over the input channels in chunks of 256 at 168 registers (the w2 split points' form):
    # layers whose weights of three taps over all of C_in do not fit a block (16 channels × 3 taps × 4
    # bytes × C_in: 227 KiB at C_in ~1,200), or fill it (one block an SM). H100 run 130, ms against the
    # general k256 point and cuDNN FP32: K 9 at stride 4, C_in 1,024 2.43 / 3.42 (2.25; the row above 4.15);
    # K 11 at 5, C_in 1,536 1.84 / 2.67 (1.54; the row above cannot run it). In chunks of 512 (the w2 split
    # points' k512 form: half the launches and partial planes; 96 KiB for the class of three, 2 blocks an
    # SM, which its small grid does not fill anyway), run 133: 2.24 and 1.69, and on C_in 512 K 11 at 5
    # 1.37 (the whole-C_in row 1.41, cuDNN 1.36), K 9 at 4 2.17 (2.20; 2.23); K 7 at 3 1.07 (0.906).
    # (Withdrawn in NOTES 52 (h) when the k512 one faulted on kb64's shape, its copy of x whole chunks of
    # channels; back since the copy stops at C_in, NOTES 53)
    "cuda_phase_l128_r4_c16_p_u8_k256_cf_w3c_reg168 cuda_phase 128 4    16     1         1       1     8         168  0  1  256   3  0     1  -"
    "cuda_phase_l128_r4_c16_p_u8_k512_cf_w3c_reg168 cuda_phase 128 4    16     1         1       1     8         168  0  1  512   3  0     1  -"
    # and the class of three with a tile of its own (tc 2): 8 channels a thread where the class of two keeps 16,
    # so that its blocks double and its staged weights halve (48 KiB at chunks of 512: four blocks an SM, where
    # the class of three's 192 blocks of 96 KiB sat two an SM at 9 % of the warps active, a third of the sums'
    # time for 3/11 of their multiply-adds on K 11 at stride 5 with C_in 1,536: ncu, H100 run 151, NOTES 53 (g))
    "cuda_phase_l128_r4_c16_p_u8_cf_w3c2   cuda_phase      128    4     16     1         1       1     8         128  0  1  0     3  0     2  -"
    "cuda_phase_l128_r4_c16_p_u8_k512_cf_w3c2_reg168 cuda_phase 128 4   16     1         1       1     8         168  0  1  512   3  0     2  -"
    # the whole-C_in two-taps point reading x in place (no pad_x: no copy of x, the windows x's own
    # aligned vectors, each row's middle, the ends by another variant): the long-row layers, whose
    # x pass is a tenth of the call (NOTES 41)
    "cuda_phase_l128_r4_c16_u8_inplace_cf_w2 cuda_phase   128    4     16     1         1       0     8         128  0  1  0     2  0     0  -"
    # general CUDA by phase, one warp's 32 positions a block, one position × 4 channels a thread: small
    # layers (kb64_small: 80 blocks where the 512-position tiles made 16)
    "cuda_phase_l32_r1_c4_u4               cuda_phase      32     1     4      1         1       0     4         64   0  0  0     0  0     0  -"
    # general CUDA, the columns' form (schedules/cuda_cols.cpp): layers of few output channels (a separation
    # decoder's C_out 1, K 16, stride 8), whose phase sums read x once a phase and round their channel tile
    # past C_out. 128 threads along x's positions, 16 columns a thread (one of tasnet_dec's channels: all
    # its 16 taps from one read of x), 16 input channels' loads in flight; 16 accumulators, 16 x values and
    # their addresses in 64 registers (NOTES 57)
    "cuda_cols_l128_c16_u16                cuda_cols       128    1     16     0         1       0     16        64   0  0  0     0  0     0  -"
    # and its input channels in chunks of 64 (split-K: Halide's rfactor, each chunk's columns a block's, then a
    # kernel adding them): a layer of one tile of columns gets chunks × the warps. The row above on tasnet_dec
    # (H100): 0.0805 ms, its columns' kernel 64 us at 32 % of DRAM's rate with 7.6 warps an SM. Measured (H200,
    # run 165, against the row above): tasnet_dec 0.079 / 0.084 ms, but demucs_out 0.126 / 0.105 and hifigan_b1_up1
    # 0.079 / 0.052: the chunks' warps did not raise x's rate (its columns' kernel 57 us at 26 %; NOTES 57)
    "cuda_cols_l128_c16_u16_k64            cuda_cols       128    1     16     0         1       0     16        64   0  0  64    0  0     0  -"
    # general CUDA, one warp per block, the tile striped over the lanes: kb74's general column
    "cuda_w8_r4_c8_sp                      cuda_warp       256    4     8      1         1       1     1         64   0  0  0     0  0     0  -"
    # and its 8 positions × 8 channels a lane at 96 registers: kb74 3.44-3.45 ms against 3.58-3.59 for the
    # row above and cuDNN FP32's 4.30-4.35 (two passes, H200 run 119; its knob neighbours 3.73-3.99: 2
    # channels unrolled, a cap of 80, 4 × 16 at 128; NOTES 48 (f))
    "cuda_w8_r8_c8_sp_reg96                cuda_warp       256    8     8      1         1       1     1         96   0  0  0     0  0     0  -"
    # Halide's Anderson2021 GPU autoscheduler on the kb74 problem: kept as the reference point it is
    "cuda_anderson2021                     auto            0      0     0      0         0       0     1         0    0  0  0     0  0     0  -"
    # compiled-in geometries (rows of CONVT1D_GEOMETRY_POINTS below): x read in place as 16-byte
    # windows (4 positions a phase), or zero-extended (wide's odd-dilation block)
    "cuda_l128_r4_c8_s_u4_inplace_so_reg80         cuda 128 4  8 1 1 0 4 80  1 0 0 0 0 0  only"
    "cuda_l128_r4_c8_s_u8_inplace_cf_reg96         cuda 128 4  8 1 1 0 8 96  0 1 0 0 0 0  only"
    "cuda_l128_r8_c8_s_u8_inplace_so2_cf_reg72     cuda 128 8  8 1 1 0 8 72  2 1 0 0 0 0  only"
    "cuda_l128_r8_c4_sp_u8_only_so_reg255          cuda 128 8  4 1 1 1 8 255 1 0 0 0 0 0  only"
    "cuda_l128_r16_c4_s_u8_inplace_so2_reg128      cuda 128 16 4 1 1 0 8 128 2 0 0 0 0 0  only"
)

# Layer geometries compiled in, as "K,stride,dilation,padding". Configure with
# -DCONVT1D_GEOMETRIES="K,stride,dilation,padding;..." to compile your model's layers instead (README,
# "Compiling your model's layers in"). Default: the suite's five (kb74, kb64, kb79, wide, stride4).
set(CONVT1D_DEFAULT_GEOMETRIES "5,1,3,0" "3,1,1,0" "3,2,2,1" "4,2,1,1" "8,4,1,2")

# Which point compiles each geometry: a row naming the geometry, else the row for its stride
# (`stride=S`). A geometry at another stride is left to the general variants (with a message).
# The in-place points hold 4 positions of each phase per thread, so their reg_l is 4 × the stride.
set(CONVT1D_GEOMETRY_POINTS
    "cuda_l128_r4_c8_s_u4_inplace_so_reg80       5,1,3,0"    # kb74: 2.07 ms on the H200
    "cuda_l128_r4_c8_s_u8_inplace_cf_reg96       3,1,1,0"    # kb64: 9.30
    "cuda_l128_r8_c8_s_u8_inplace_so2_cf_reg72   3,2,2,1"    # kb79: 0.843
    "cuda_l128_r8_c4_sp_u8_only_so_reg255        4,2,1,1"    # wide 1.73, dac_up4 2.49, bigvgan_up3 0.935
    "cuda_l128_r16_c4_s_u8_inplace_so2_reg128    8,4,1,2"    # stride4: 0.617
    "cuda_l128_r4_c8_s_u4_inplace_so_reg80       stride=1"
    "cuda_l128_r8_c8_s_u8_inplace_so2_cf_reg72   stride=2"
    "cuda_l128_r16_c4_s_u8_inplace_so2_reg128    stride=4"
)
