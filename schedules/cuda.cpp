// CUDA schedule family. One warp per block; its 32 lanes own 32 consecutive output channels
// (tile_co / 32 of them per lane) and each lane accumulates tile_l consecutive outputs along L in
// registers. Per input channel and tap a lane multiplies one weight (its own channel, a register)
// by the x values of its L run, which are the same for all 32 lanes: read as broadcasts from the
// shared-memory copy of the x window that the warp stages once per chunk of input channels.
// Layout of the register block per lane: tile_l × tile_co/32 float32 accumulators.
#include "schedule.h"

namespace convt1d {

using namespace Halide;

void schedule_cuda(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (every knob a power of two; the variant list picks the points) -------
    const int lanes = 32;                     // one warp: gpu_lanes distributes registers over it
    const int tile_l = k.tile_l;              // 8..32 accumulators along L per lane
    const int co_regs = k.tile_co / lanes;    // 1..2 channels per lane (tile_co 32 or 64)
    const int ci_chunk = k.ci_chunk;          // x window of ci_chunk channels staged per step:
                                              // ci_chunk × (tile_l + (K−1)·dilation) floats of shared
    if (co_regs < 1 || co_regs * lanes != k.tile_co) {
        throw CompileError("cuda schedule: tile_co must be 32 × a power of two");
    }

    Var lo("lo"), lr("lr"), coo("coo"), cr("cr"), lane("lane"), t("t");
    RVar j = s.r.x, ci = s.r.y, k_lo = s.r.z;
    RVar ci_o("ci_o"), ci_i("ci_i");

    // ---- output: blocks over (L tiles, C_out tiles, batch); lanes over channels ---------------
    s.out.compute_root()
        .split(s.l, lo, lr, tile_l, TailStrategy::GuardWithIf)
        .split(s.co, coo, cr, k.tile_co, TailStrategy::GuardWithIf)
        .split(cr, cr, lane, lanes, TailStrategy::GuardWithIf)
        .reorder(lane, lr, cr, lo, coo, s.b)
        .gpu_lanes(lane)
        .unroll(lr)
        .unroll(cr)
        .gpu_blocks(lo, coo, s.b);

    // ---- accumulators: tile_l × co_regs registers per lane -----------------------------------
    s.conv.compute_at(s.out, lo)
        .store_in(MemoryType::Register)
        .bound_extent(s.l, tile_l)           // the guarded last tile is smaller: storage stays constant
        .bound_extent(s.co, k.tile_co)
        .split(s.co, cr, lane, lanes)
        .reorder(lane, s.l, cr)
        .gpu_lanes(lane)
        .unroll(s.l)
        .unroll(cr);
    s.conv.update()
        .split(s.co, cr, lane, lanes)
        .split(ci, ci_o, ci_i, ci_chunk, TailStrategy::GuardWithIf)
        .reorder(lane, s.l, cr, j, ci_i, ci_o, k_lo)
        .gpu_lanes(lane)
        .unroll(s.l)
        .unroll(cr);
    s.conv.update().specialize(s.stride == 1);  // no phase test, unit-stride windows

    // ---- x window of a chunk in shared memory, loaded by the warp cooperatively ---------------
    // For one k_lo, tile_l consecutive outputs read (tile_l − 1)/stride + 2 positions of x at
    // each of the taps, which are dilation apart: rounded up to the 32 lanes that load it.
    Expr x_window = ((tile_l - 1) / s.stride + 2 + (s.r.x.extent() - 1) * s.dilation + lanes - 1) / lanes * lanes;
    s.xz.in(s.conv)
        .compute_at(s.conv, ci_o)
        .store_in(MemoryType::GPUShared)
        .bound_storage(_0, x_window)  // sizes that depend on no block index: Halide then sizes
        .bound_storage(_1, ci_chunk)  // the shared memory once per launch, not once per block
        .split(_0, t, lane, lanes, TailStrategy::RoundUp)
        .gpu_lanes(lane);

    if (k.stage_w) {
        // weights of the chunk: tile_co × ci_chunk × taps, one load per lane per element
        s.wz.in(s.conv)
            .compute_at(s.conv, ci_o)
            .store_in(MemoryType::GPUShared)
            .split(_1, t, lane, lanes, TailStrategy::RoundUp)
            .gpu_lanes(lane);
    }
}

}  // namespace convt1d
