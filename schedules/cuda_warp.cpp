// CUDA schedule family "cuda_warp": one warp per block, and the block's tile of 32·reg_l output
// positions × reg_co channels in registers striped over the lanes (Halide lowers a Register
// allocation at the level of a gpu_lanes loop to per-lane registers): lane i owns positions
// i, i + 32, ..., i + 32·(reg_l − 1).
//
//   * Every x load of the warp is 32 consecutive floats (one or two L1 wavefronts), where the
//     thread family's reg_l consecutive positions per thread put its lanes reg_l floats apart
//     (reg_l wavefronts per load; ncu: L1/shared "Mem Busy" 86 % on kb74).
//   * Weights: scalar broadcast shared loads (with the channel loop as 4-wide vectors the PTX
//     carried 216 register-pair moves per kernel and measured no faster: 5.29 vs 5.44 ms on kb74).
//   * The cost is the block size: one warp per block, at most 32 blocks per SM, so occupancy comes
//     from registers: 4 × 16 uses 114 → 16 warps per SM.
//   * A block computes tile_l/32 tiles in turn, so its weights are staged in shared memory once
//     for all of them (one tile per block: the staging and its barrier came every 128 positions).
// Measured (H100, NOTES version 12): kb74 3.88 ms with 8 tiles of 4 × 8 and x padded (4.87 with one
// tile of 8 × 8, 5.32 without padding: each x load's boundary test is integer work, and ncu put
// the integer pipe first, ALU 44.6 %); slower than the thread family on kb64 and stride > 1.
#include "cuda_common.h"

#include <algorithm>

namespace convt1d {

using namespace Halide;
using namespace cuda;

void schedule_cuda_warp(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int lanes = 32;         // one warp per block
    const int reg_l = k.reg_l;    // positions per lane, 32 apart (1..8)
    const int reg_co = k.reg_co;  // output channels per lane (4..32)
    const int tiles = std::max(1, k.tile_l / lanes);  // tiles a block computes one after another, so
                                                      // its weights are staged once for all of them
    if (reg_co < kVec || reg_co % kVec != 0 || reg_l < 1) {
        throw CompileError("cuda_warp schedule: reg_co a multiple of 4, reg_l >= 1");
    }
    if (k.padding >= 0) throw CompileError("cuda_warp schedule: no compiled-in padding");
    if (k.stride != 0) {
        // Tried with the tile by phase (lanes over one phase's positions): 3.12 ms on kb79 against
        // 2.73 for the thread family's stride-2 variant (H100); not kept.
        throw CompileError("cuda_warp schedule: no compiled-in stride (its tiles are indexed by position)");
    }

    Var lb("lb"), lt("lt"), li("li"), lo("lo"), lane("lane"), cb("cb"), cr("cr");
    RVar j = s.r.x, rci = s.r.y, k_lo = s.r.z;
    RVar rci_o("rci_o"), rci_i("rci_i");

    // ---- blocks of tiles × 32·reg_l positions × reg_co channels × one batch row ----------------
    s.out.compute_root()
        .split(s.l, lb, li, tiles * lanes * reg_l, TailStrategy::GuardWithIf)
        .split(li, lt, li, lanes * reg_l, TailStrategy::GuardWithIf)
        .split(li, lo, lane, lanes, TailStrategy::GuardWithIf)
        .split(s.co, cb, cr, reg_co, TailStrategy::GuardWithIf)
        .reorder(cr, lo, lane, lt, lb, cb, s.b)
        .gpu_blocks(lb, cb, s.b)
        .gpu_lanes(lane)
        .unroll(lo)
        .unroll(cr);

    // ---- the block's accumulators, striped over the lanes -------------------------------------
    // The lane loop is the outermost loop of each stage: with it inside the unrolled loops, Halide
    // closes and reopens the lane loop around every channel vector with a bar.sync (measured in the
    // PTX: 16 barriers per tap).
    s.conv.compute_at(s.out, lt)
        .store_in(MemoryType::Register)
        .bound_extent(s.l, lanes * reg_l)
        .bound_extent(s.co, reg_co)
        .split(s.l, lo, lane, lanes)
        .reorder(s.co, lo, lane)
        .gpu_lanes(lane)
        .unroll(s.co)
        .unroll(lo);
    s.conv.update()
        .split(s.l, lo, lane, lanes)
        .split(rci, rci_o, rci_i, k.unroll_ci, TailStrategy::GuardWithIf)
        .reorder(s.co, lo, rci_i, j, rci_o, k_lo, lane)
        .gpu_lanes(lane)
        .unroll(s.co)
        .unroll(lo)
        .unroll(rci_i);
    specialise_tap_loop(s, k);
    Func wt = transposed_weights(s);
    if (k.only) throw CompileError("cuda_warp schedule: no only = 1");
    if (k.co_first) throw CompileError("cuda_warp schedule: no co_first = 1");
    if (k.pad_x) pad_x(s, k);
    if (k.stage_w) stage_weights(wt, s, lb, reg_co, /*taps=*/0, lanes, /*lanes=*/true);
}

}  // namespace convt1d
