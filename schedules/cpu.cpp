// CPU schedule family: vectorised along L, register-blocked over C_out, parallel over
// (C_out blocks × batch). Target: x86-64 AVX2/FMA (the baseline built here, 16 ymm registers).
#include "schedule.h"

namespace convt1d {

using namespace Halide;

void schedule_cpu(const Target &target, Stages &s, const Knobs &) {
    // ---- search space -------------------------------------------------------------------
    const int vec = target.natural_vector_size<float>();  // 8 floats in a ymm register
    const int vecs_l = 2;                                  // 2 vectors along L ...
    const int tile_co = 4;                                 // ... × 4 channels = 8 accumulators,
    // leaving 8 of the 16 ymm registers for the x vectors and broadcast weights of a tap
    // (Halide's conv_layer makes the same budget on AVX2: 12 accumulators, one load per two FMAs).
    const int tile_l = vec * vecs_l;

    Var lq("lq"), lp("lp"), lo("lo"), li("li"), coo("coo"), coi("coi"), cb("cb"), cio("cio"), cii("cii");
    RVar j = s.r.x, ci = s.r.y, k_lo = s.r.z;

    // ---- output: one task per (C_out block, batch); per iteration tile_l positions q of every phase
    // (l = lq·stride + lp) × tile_co channels. Strides 1, 2 and 4 as constants (the phase loop known),
    // with dense vector stores at stride 1 and strided ones above it. Measured on the 2-core AVX2
    // machine against the position-indexed nest with its per-position phase test and division:
    // kb79_cpu 90 → 18.1 ms, wide_cpu 181 → 32.5, stride4_cpu 184 → 17.5 (oneDNN: 2.2, 3.0, 2.1).
    auto tile = [&](Stage out, int stride) {
        out.split(s.l, lq, lp, stride, TailStrategy::GuardWithIf)
            .split(lq, lo, li, tile_l, TailStrategy::GuardWithIf)
            .split(s.co, coo, coi, tile_co, TailStrategy::GuardWithIf)
            .reorder(li, coi, lp, lo, coo, s.b)
            .vectorize(li, vec)
            .unroll(coi)
            .fuse(coo, s.b, cb)
            .parallel(cb);
    };
    Expr phased = cast<bool>(0);  // the stride is one of those constants
    for (int S = 1; S <= 4; S *= 2) {
        tile(s.out.specialize(s.stride == S), S);
        phased = phased || s.stride == S;
    }
    // Any other stride: one position at a time (its tile of whole phases would be stride wide).
    s.out.split(s.l, lo, li, 1)
        .split(s.co, coo, coi, tile_co, TailStrategy::GuardWithIf)
        .reorder(li, coi, lo, coo, s.b)
        .unroll(coi)
        .fuse(coo, s.b, cb)
        .parallel(cb);

    // ---- accumulator: a tile_l × stride × tile_co block; per phase the tile_l × tile_co tile in
    // registers, taps innermost so one x vector meets tile_co weights. Within a phase x's index
    // steps by one along q whatever the stride, so the x loads are dense.
    s.conv.compute_at(s.out, lo)
        .split(s.co, cio, cii, tile_co)
        .unroll(cii);
    s.conv.specialize(phased).vectorize(s.q, vec);
    s.conv.update()
        .split(s.co, cio, cii, tile_co)
        .reorder(s.q, cii, j, ci, k_lo, s.p, cio)
        .unroll(cii);
    Stage phased_update = s.conv.update().specialize(phased).vectorize(s.q, vec).unroll(s.q);
    phased_update.specialize(s.stride == 1 && s.groups == 1);  // dense x loads, no phase test
    phased_update.specialize(s.stride == 1);

    // ---- x window of one (channel, k_lo): the boundary test once per element, not once per tap
    s.xz.in(s.conv)
        .compute_at(s.conv, ci)
        .vectorize(_0, vec);
}

}  // namespace convt1d
