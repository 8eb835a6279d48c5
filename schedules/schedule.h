// The contract between the algorithm (generators/convt1d_generator.cpp) and the schedule
// families (schedules/*.cpp): the generator hands over its stages and names, a family decides
// how they are computed. A family never changes what is computed.
#pragma once

#include "Halide.h"
#include "geometry.h"

#include <algorithm>
#include <string>

namespace convt1d {

// A class of phases summed on its own (the closed form with tap_classes): its sums, shaped as Stages::conv
// with p the class's phase index, its phases' weights, shaped as Stages::wphase, and its RDom, as Stages::r.
struct SumClass {
    Halide::Func sums, wphase;
    Halide::RDom r;
};

// The stages of the algorithm, with the names a schedule refers to.
struct Stages {
    Halide::Func out;    // (l, co, b): the output, cast to the element type; reads conv at l, or at its
                         // position l / stride and phase l % stride
    Halide::Func conv;   // float32 accumulator, pure = bias, update = the taps; indexed (l, co, b), or
                         // (q, p, co, b) for position q·stride + p, phase p < stride (indexes_by_phase),
                         // or with phase_taps (q, p, co), q = x's folded position (b·pitch + slot)
    Halide::Func xz;     // (l, ci, b): x, zero outside its bounds; with phase_taps (n, ci): x's batch rows
                         // one after another at a pitch of whole vectors (generators/convt1d_generator.cpp)
    Halide::Func wz;     // (k, co_g, ci): w, zero outside its bounds
    Halide::Func wphase; // (m, co_g, ci, p): phase p's m-th landing tap of w (closed_form only)
    Halide::Func wtile;  // (j, m, ci, cb, p) = wphase(m, cb·A + j, ci, p), A cpu_phase_channels: what
                         // cpu_phase's sums read (else undefined: also where the generator takes them
                         // prepared, packed_w)
    Halide::Func phase_base;  // (p): phase p's offset into x, where conv is indexed by x's position
                              // (closed form with phase_taps; else undefined)
    Halide::Var l, q, p, co, b;  // q, p: conv's first two dimensions where it is indexed by phase (q:
                                 // x's folded position under the phase's first tap where phase_taps > 0,
                                 // and conv has no b)
    Halide::RDom r;      // r.x = tap j within the phase, r.y = input channel in the group, r.z = k_lo
                         // (one value where the generator computes the landing k_lo: odd_dilation)
    Halide::Expr stride, groups, K, dilation, padding;  // for the schedules' specialisations (stride as
                                                        // the math uses it: a constant where compiled in)
    Halide::Expr two_taps;  // closed form: K == 2·step, each phase's tap loop then of extent 2 (else false)
    Halide::Expr three_taps;  // closed form: K == 3·step (K 3 at stride 1), the tap loop of extent 3 (else false)
    Halide::Expr all_slots;  // closed form: every phase has a tap in each slot of its sum (K == T·step for a
                             // phase_taps = T window, K a multiple of the step otherwise): no slot tested
    Halide::Expr groups_in_blocks;  // cpu_phase: C_out / groups a multiple of its channel block, whose
                                    // group the generator then writes as one value (else false)
    // Closed form: merged(l, co, b) is what out casts, the value at output l: conv read at l's phase and
    // position, or with split_ci (split-K: conv has a last dimension u, chunk u's sums over r, r.y the
    // input channel within the chunk) bias + Σ_u conv(.., u) over `chunks` (one dimension), an update.
    // The other families leave merged undefined: their out reads conv.
    Halide::Func merged;
    Halide::Var u;
    Halide::RDom chunks;
    Halide::Expr threads;  // the threads a CPU call runs on (the generator's input; no math reads it)
    Halide::Expr cache_bytes;  // the L2 cache of a core, bytes, 0 where unknown (the generator's input; no math reads it)
    Halide::Expr L_out, C_out, batch;  // the output's extents (l, co, b)
    Halide::Expr C_in_g;  // x's rows a block of output channels reads (its group's input channels)
    // Closed form with tap_classes: the phases of three taps (conv3) and the others (conv2), each a sum of
    // its own that merged reads. Else empty.
    std::vector<SumClass> classes;
    Halide::Func phase_first;  // (p): with tap_classes, phase p's first tap, -1 where none lands (else undefined)
    // cpu_cols, cuda_cols: the columns (kc, g, i, b), kc = co_g·K + k, the sum over group g's input channels of w · x
    // at x's position i for every tap at once, what conv's update sums; and their weights (kc, ci)
    // (else undefined)
    Halide::Func cols, cols_w;
    Halide::RDom cols_r;  // cols' sum over the group's input channels
    Halide::Func cols_phase;  // cuda_cols: (p) → {phase p's first tap, -1 where none lands; its offset into x}, what
                              // the output's sums read (else undefined)
};

// One schedule's knobs, all GeneratorParams of the generator, so that CMake builds every variant
// from one list (schedules/variants.cmake). All sizes are powers of two.
struct Knobs {
    int tile_l;  // threads per block along L (GPU)
    int reg_l;   // consecutive output positions per thread (GPU)
    int reg_co;  // output channels per thread, in registers (GPU)
    bool ungrouped;  // compile the groups == 1 loop nests only; grouped problems go to another variant
    bool stage_w;    // stage the block's weights in shared memory (GPU)
    bool pad_x;      // materialise zero-extended x first, so the inner loop needs no boundary test (GPU)
    int unroll_ci;   // input channels unrolled in the inner loop (GPU)
    // A filter length and dilation compiled in (0 = none): where a problem has them (and stride 1,
    // one group), the taps are unrolled with the dilation known, so the reg_l positions of a thread
    // share their x loads across taps; any other problem runs the generic loop nest (GPU).
    int taps;
    int dil;
    // A stride compiled in (0 = any): tiles then hold whole phases, so that a warp computes one
    // phase at a time, and other strides are refused (cuda family; cuda_warp refuses the knob).
    int stride;
    // A padding compiled in (-1 = none), with the dilation `dil`, for a variant with a stride compiled
    // in: problems with them (and one group) run a loop nest specialised on them (cuda family).
    int padding;
    // The whole tap geometry compiled into the math (taps, dil, padding, the stride or 1, one group;
    // other problems refused): a thread's window of x then has a size known at compile time, and the
    // cuda family holds it in registers, loaded as 16-byte vectors from the zero-extended x (pad_x),
    // or without pad_x from x in place (the generator then computes only outputs whose reads lie
    // inside x, and pins x's rows to 16-byte boundaries).
    bool only;
    // The block's outputs written to shared memory by the threads that accumulate them, then stored
    // to out by threads along consecutive positions (coalesced), instead of each thread storing its
    // own reg_l positions (cuda family): 0 = not, 1 = in position order, 2 = in one padded plane per
    // phase (a compiled-in stride only). Its last channel block is shifted inwards rather than
    // guarded (schedules/cuda.cpp), so it needs C_out >= reg_co.
    int stage_out;
    // The grid's order (cuda family): the blocks of one tile of positions and every channel block
    // launched together (channel blocks innermost, blockIdx.x), so that they read that tile's x
    // while it is in L2, instead of positions innermost, where a tile's channel blocks are a row of
    // tiles apart and the output stream in between evicts its x.
    bool co_first;
    // Input channels per block (closed form): the reduction over input channels written as chunks of
    // split_ci (the generator's conv(.., u), added in order with the bias by merged; cuda_phase computes
    // each chunk in a launch of its own, or with grid_chunks all in one grid, and the output's kernel adds
    // them) (0: all input channels in
    // one block).
    int split_ci;
    // Taps a phase compiled in (cuda_phase; 0 = any): conv is then indexed by x's position under the
    // phase's first tap (generators/convt1d_generator.cpp), and a thread's window of x is read as
    // aligned 16-byte vectors into registers.
    int phase_taps;
    // cpu_phase's tile form: the tile's output channels in the vector lanes and its positions
    // broadcast from x, where false puts its positions in the lanes (schedules/cpu_phase.cpp).
    bool lanes;
    // The phases in two classes by their taps, each a kernel of its own (cuda_phase with phase_taps 3):
    // three slots for the phases of three taps, two for the others (Stages::classes). 0: one kernel;
    // 1: both classes at reg_co channels a thread; 2: the class of three at reg_co / 2 (its own tile:
    // twice the blocks, and its staged weights, 3 taps × reg_co / 2, under the class of two's 2 × reg_co).
    int tap_classes;
    // With split_ci and phase_taps (cuda_phase): the chunks as the planes kernel's blockIdx.z, one launch for
    // them all, instead of a launch a chunk (schedules/cuda_phase.cpp).
    bool grid_chunks;
};

// Which indexing of the accumulator a schedule takes (generators/convt1d_generator.cpp): by phase,
// conv(q, p, co, b), for the CPU family (vectors of one phase, for every stride) and for a CUDA
// variant with a stride compiled in (warps of one phase); by position, conv(l, co, b), for the
// other CUDA variants, which serve every stride with one kernel. (By position at stride 1 keeps the
// loop over k_lo that Halide partitions into a steady state without x's boundary tests: kb64 took
// 18.6 ms by phase against 15.7 by position, measured on the H100.)
inline bool indexes_by_phase(const std::string &family, int fixed_stride) {
    return family == "cpu" || fixed_stride > 0;
}

// The closed form (generators/convt1d_generator.cpp): by phase, each phase's landing taps computed
// rather than tested, every geometry at run time. The general CUDA family (cuda_phase) and its CPU
// twin (cpu_phase, which runs the same math in the CPU tests) take it, and the columns' families
// (cpu_cols, cuda_cols), whose phases sum columns (Stages::cols).
inline bool closed_form(const std::string &family) {
    return family == "cuda_phase" || family == "cuda_phase_warp" || family == "cpu_phase" || family == "cpu_cols" ||
           family == "cuda_cols";
}

// cpu_phase's block of output channels in registers: reg_co with AVX-512 (32 vector registers), half
// of it below (16). The generator writes the group of a block's channels as one value (Stages::
// groups_in_blocks).
inline int cpu_phase_channels(const Halide::Target &target, int reg_co) {
    return target.has_feature(Halide::Target::AVX512) ? reg_co : std::max(1, reg_co / 2);
}
// ... and its vectors along q: reg_l with AVX-512, 3/2 of it below (16 registers: 3 × 4 accumulators,
// 3 x vectors and a broadcast). Two FMA pipes of 4-5 cycles' latency need more than 8 independent
// sums: on this session's AMD EPYC core an FMA loop of 8 accumulator chains ran at 60 GFLOP/s, of 12 at
// 92.8 (the core's peak). Measured through a Layer on one thread (2 alternations, ms): kb64_cpu
// 13.1/11.2 -> 11.3/9.7, grouped_cpu 4.0/4.8 -> 3.0/3.5, wide_cpu 17.7/15.1 -> 15.6/15.1; the two-taps
// layers level within the VM's spread (NOTES 42 (f), (k)).
// cpu_phase with the channels in the lanes (lanes): its positions, reg_l with AVX-512's 32 vector
// registers, 16 fewer with AVX2's 16 (the channels one vector), half that again with SSE4.1's 4 lanes
// (the channels two vectors, so two accumulators a position): schedules/cpu_phase.cpp.
inline int cpu_phase_lane_positions(const Halide::Target &target, int reg_l) {
    if (target.has_feature(Halide::Target::AVX512)) return reg_l;
    return target.has_feature(Halide::Target::AVX) ? reg_l - 16 : (reg_l - 16) / 2;
}
inline int cpu_phase_vectors(const Halide::Target &target, int reg_l) {
    return target.has_feature(Halide::Target::AVX512) ? reg_l : reg_l + reg_l / 2;
}

void schedule_cpu(const Halide::Target &target, Stages &s, const Knobs &k);
void schedule_cuda(const Halide::Target &target, Stages &s, const Knobs &k);
void schedule_cuda_warp(const Halide::Target &target, Stages &s, const Knobs &k);
// warp: one-warp blocks, the tile's positions striped over the lanes (schedules/cuda_phase.cpp)
void schedule_cuda_phase(const Halide::Target &target, Stages &s, const Knobs &k, bool warp);
void schedule_cpu_phase(const Halide::Target &target, Stages &s, const Knobs &k);
// the columns' form on the GPU (schedules/cuda_cols.cpp)
void schedule_cuda_cols(const Halide::Target &target, Stages &s, const Knobs &k);
// cpu_phase's weights by blocks of tile_co channels (Stages::wtile, or the convt1d_pack_weights
// generator's output: the same Func, args j, m, ci, cb, p), computed at the root by the caller; given wz,
// the weights it reads (k, co_g, ci), and K, their taps, each task copies its rows of them first.
void schedule_cpu_phase_weights(const Halide::Target &target, Halide::Func wtile, int tile_co,
                                Halide::Func wz = Halide::Func(), const Halide::Expr &K = Halide::Expr());

inline void apply_schedule(const std::string &family, const Halide::Target &target, Stages &s,
                           const Knobs &k) {
    if (k.lanes && family != "cpu_phase") {
        throw Halide::CompileError("lanes (the output channels in the vector lanes) is a cpu_phase knob; family '" + family + "'");
    }
    if (family == "cpu") {
        schedule_cpu(target, s, k);
    } else if (family == "cuda") {
        schedule_cuda(target, s, k);
    } else if (family == "cuda_warp") {
        schedule_cuda_warp(target, s, k);
    } else if (family == "cuda_phase" || family == "cuda_phase_warp") {
        schedule_cuda_phase(target, s, k, family == "cuda_phase_warp");
    } else if (family == "cpu_phase" || family == "cpu_cols") {
        schedule_cpu_phase(target, s, k);  // (cpu_cols: the columns' form, schedules/cpu_phase.cpp)
    } else if (family == "cuda_cols") {
        schedule_cuda_cols(target, s, k);
    } else {
        throw Halide::CompileError("unknown schedule family '" + family + "' (cpu, cpu_phase, cpu_cols, cuda, cuda_warp, cuda_phase, cuda_phase_warp, cuda_cols)");
    }
}

}  // namespace convt1d
