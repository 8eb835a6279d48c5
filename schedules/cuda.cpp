// CUDA schedule family: a block computes a tile_l × tile_co tile of one batch row; each thread
// accumulates a reg_l × reg_co register block (contiguous along L, contiguous along C_out).
//
//   * Threads of a warp differ in output channel and share L positions, so every x value a warp
//     reads is one address: a shared-memory broadcast, conflict-free whatever stride and dilation.
//   * x is staged once per block in shared memory, zero-extended there, for every input channel
//     the tile's groups read: the boundary test runs once per staged element, not once per tap.
//   * Weights come from global memory through L1 (one per channel and tap per thread, reused by the
//     reg_l outputs of the register block).
//   * With stage_out the tile is written through shared memory so that the global stores of a warp
//     are 32 consecutive floats; without it each thread stores its own reg_l run.
//
// Issue budget per (input channel, tap) and thread: reg_l broadcast loads + reg_co weight loads +
// reg_l·reg_co FMAs; reg_l 16 × reg_co 4 gives 64 FMAs of 84 instructions (76 % FMA issue) and
// 64 accumulator registers (of 255).
#include "schedule.h"

namespace convt1d {

using namespace Halide;

void schedule_cuda(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int tile_l = k.tile_l, tile_co = k.tile_co;  // outputs per block along L and C_out
    const int reg_l = k.reg_l, reg_co = k.reg_co;      // outputs per thread
    const int threads_co = tile_co / reg_co;           // the warp runs along C_out ...
    const int threads_l = tile_l / reg_l;               // ... and warps along L
    const int threads = threads_co * threads_l;
    if (threads_co * reg_co != tile_co || threads_l * reg_l != tile_l || threads > 1024 || threads < 32) {
        throw CompileError("cuda schedule: tiles must divide into 32..1024 threads (tile_l " + std::to_string(tile_l) +
                           ", tile_co " + std::to_string(tile_co) + ", reg_l " + std::to_string(reg_l) +
                           ", reg_co " + std::to_string(reg_co) + ")");
    }
    const int out_threads_l = std::min(32, tile_l);  // coalesced write-out: a warp per 32 floats
    const int out_threads_co = std::max(1, threads / out_threads_l);

    Var lb("lb"), cb("cb"), li("li"), ci("ci"), tl("tl"), tc("tc"), lr("lr"), cr("cr"), t("t");
    RVar j = s.r.x, rci = s.r.y, k_lo = s.r.z;

    // ---- blocks: (L tiles, C_out tiles, batch) ------------------------------------------------
    s.out.compute_root()
        .tile(s.l, s.co, lb, cb, li, ci, tile_l, tile_co, TailStrategy::GuardWithIf)
        .gpu_blocks(lb, cb, s.b);

    // ---- the register blocks: thread (tc, tl) owns co ∈ [tc·reg_co, +reg_co), l ∈ [tl·reg_l, +reg_l)
    Func acc = k.stage_out ? s.conv.in(s.out) : Func();
    Func owner = k.stage_out ? acc : s.out;  // the stage whose thread loops own the register blocks
    if (k.stage_out) {
        // write-out: 32 consecutive l per warp from the shared tile, one float per thread per step
        s.out.split(li, lr, tl, out_threads_l, TailStrategy::GuardWithIf)
            .split(ci, cr, tc, out_threads_co, TailStrategy::GuardWithIf)
            .reorder(tl, tc, lr, cr)
            .gpu_threads(tl, tc)
            .unroll(lr);
        acc.compute_at(s.out, lb)
            .store_in(MemoryType::GPUShared)
            .bound_storage(s.l, tile_l + 1)  // +1 float per row: the warp's 32 rows hit 32 banks
            .bound_storage(s.co, tile_co)
            .split(s.l, tl, lr, reg_l, TailStrategy::RoundUp)
            .split(s.co, tc, cr, reg_co, TailStrategy::RoundUp)
            .reorder(lr, cr, tc, tl)
            .gpu_threads(tc, tl)
            .unroll(lr)
            .unroll(cr);
    } else {
        s.out.split(li, tl, lr, reg_l, TailStrategy::GuardWithIf)
            .split(ci, tc, cr, reg_co, TailStrategy::GuardWithIf)
            .reorder(lr, cr, tc, tl)
            .gpu_threads(tc, tl)
            .unroll(lr)
            .unroll(cr);
    }

    // ---- accumulators: reg_l × reg_co registers per thread --------------------------------------
    s.conv.compute_at(owner, tc)
        .store_in(MemoryType::Register)
        .bound_extent(s.l, reg_l)
        .bound_extent(s.co, reg_co)
        .reorder(s.l, s.co)
        .unroll(s.l)
        .unroll(s.co);
    s.conv.update()
        .reorder(s.l, s.co, j, rci, k_lo)
        .unroll(s.l)
        .unroll(s.co);
    // Specialised loop nests for the common cases: with one group the reg_co channels of a thread
    // read the same x values (one broadcast load serves reg_co FMAs); with stride 1 there is no
    // phase test and the taps are all of K.
    s.conv.update().specialize(s.stride == 1 && s.groups == 1);
    s.conv.update().specialize(s.groups == 1);
    s.conv.update().specialize(s.stride == 1);

    // ---- x for the whole tile in shared memory, staged by all threads, coalesced along L ---------
    // For one k_lo a tile reads (tile_l − 1)/stride + 2 positions at each of its taps, dilation
    // apart; the size depends on no block index, so Halide sizes shared memory once per launch.
    if (!k.stage_x) return;
    Expr x_window = (tile_l - 1) / s.stride + 2 + (s.r.x.extent() - 1) * s.dilation;
    s.xz.in(s.conv)
        .compute_at(s.out, lb)
        .store_in(MemoryType::GPUShared)
        .bound_storage(_0, x_window)
        .split(_0, _0, t, 32, TailStrategy::GuardWithIf)
        .split(_1, _1, tc, threads / 32, TailStrategy::GuardWithIf)
        .reorder(t, tc, _0, _1)
        .gpu_threads(t, tc);
}

}  // namespace convt1d
