// CUDA schedule family. Threads run along L, one output position each; a thread accumulates
// reg_co consecutive output channels in registers.
//
//   * A warp's 32 threads read 32 consecutive x values per tap (one coalesced load) and store 32
//     consecutive outputs per channel (one coalesced store): no shared-memory staging is needed,
//     so no problem size is too large for a block.
//   * Every thread of a warp needs the same weights. They are transposed once per call into a
//     (channel innermost) copy, so a thread's reg_co weights for a tap are reg_co/4 uniform
//     16-byte loads: broadcasts served from L1.
//   * The boundary test on x is one select per (tap, input channel), paid once for reg_co FMAs.
//
// Budget per (input channel, tap) and warp (H100: one L1 wavefront per clock per SM, four
// FMA warp-instructions per clock per SM): 1–2 wavefronts for x + reg_co/4 for the weights
// against reg_co FMA instructions. reg_co = 32 gives 10 wavefronts for 32 FMAs, near balance;
// 32 accumulators leave room for 2 blocks of 256 threads per SM.
#include "cuda_common.h"

namespace convt1d {

using namespace Halide;
using namespace cuda;

void schedule_cuda(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int tile_l = k.tile_l;  // threads per block along L (32..1024)
    const int reg_l = k.reg_l;    // consecutive output positions per thread (1..4): the weights of a
                                  // tap are loaded once for reg_l positions; with reg_l = stride every
                                  // lane of a warp is in the same phase, so the k_lo test is uniform
    const int reg_co = k.reg_co;  // output channels per thread, in registers (4..64)
    const int vec = kVec;
    if (tile_l < 32 || tile_l > 1024 || reg_co < vec || reg_co % vec != 0 || reg_l < 1) {
        throw CompileError("cuda schedule: tile_l must be 32..1024, reg_co a multiple of 4, reg_l >= 1");
    }

    Var lb("lb"), tl("tl"), lr("lr"), cb("cb"), cr("cr");
    RVar j = s.r.x, rci = s.r.y, k_lo = s.r.z;

    // ---- blocks of tile_l·reg_l positions × reg_co channels × one batch row -------------------
    s.out.compute_root()
        .split(s.l, lb, tl, tile_l * reg_l, TailStrategy::GuardWithIf)
        .split(tl, tl, lr, reg_l, TailStrategy::GuardWithIf)
        .split(s.co, cb, cr, reg_co, TailStrategy::GuardWithIf)
        .reorder(cr, lr, tl, lb, cb, s.b)
        .gpu_blocks(lb, cb, s.b)
        .gpu_threads(tl)
        .unroll(lr)
        .unroll(cr);

    // ---- reg_l × reg_co accumulators per thread ------------------------------------------------
    s.conv.compute_at(s.out, tl)
        .store_in(MemoryType::Register)
        .bound_extent(s.l, reg_l)
        .bound_extent(s.co, reg_co)
        .reorder(s.co, s.l)
        .unroll(s.co)
        .unroll(s.l);
    RVar rci_o("rci_o"), rci_i("rci_i");
    s.conv.update()
        .split(rci, rci_o, rci_i, k.unroll_ci, TailStrategy::GuardWithIf)
        .reorder(s.co, s.l, rci_i, j, rci_o, k_lo)
        .unroll(s.co)
        .unroll(s.l)
        .unroll(rci_i);  // unroll_ci independent x loads in flight per tap: latency, not issue, binds
    if (k.stage_w) {
        // 16-byte shared loads of the weights need the channel loop as 4-wide vectors; with global
        // weights the vectors only add packing moves (the loads stay scalar), so they stay unrolled.
        s.conv.vectorize(s.co, vec);
        s.conv.update().vectorize(s.co, vec);
    }
    specialise_tap_loop(s, k);
    Func wt = transposed_weights(s);
    if (k.pad_x) pad_x(s);
    if (k.stage_w) stage_weights(wt, s, lb, reg_co, tile_l, /*lanes=*/false);
}

}  // namespace convt1d
