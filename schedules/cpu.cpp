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

    Var lo("lo"), li("li"), coo("coo"), coi("coi"), cb("cb"), cio("cio"), cii("cii");
    RVar j = s.r.x, ci = s.r.y, k_lo = s.r.z;

    // ---- output: one task per (C_out block, batch), a tile_l × tile_co block per iteration
    s.out.split(s.l, lo, li, tile_l, TailStrategy::GuardWithIf)
        .split(s.co, coo, coi, tile_co, TailStrategy::GuardWithIf)
        .reorder(li, coi, lo, coo, s.b)
        .vectorize(li, vec)
        .unroll(coi)
        .fuse(coo, s.b, cb)
        .parallel(cb);

    // ---- accumulator: the tile in registers; taps innermost so one x vector meets tile_co weights
    s.conv.compute_at(s.out, lo)
        .split(s.co, cio, cii, tile_co)
        .vectorize(s.l, vec)
        .unroll(cii);
    s.conv.update()
        .split(s.co, cio, cii, tile_co)
        .reorder(s.l, cii, j, ci, k_lo, cio)
        .vectorize(s.l, vec)
        .unroll(s.l)
        .unroll(cii);
    s.conv.update().specialize(s.stride == 1 && s.groups == 1);  // dense x loads, no phase test
    s.conv.update().specialize(s.stride == 1);
    // Strides 2 and 4 as constants: the phase test and the x index divide by a shift. Measured on
    // the 2-core AVX2 machine: kb79_cpu 184 → 90 ms, wide_cpu 354 → 177, stride4_cpu 311 → 186
    // (still 40–90× behind oneDNN: docs/NOTES.md). Channels in the vector lanes for these strides
    // measured no better (107, 220, 178 ms).
    s.conv.update().specialize(s.stride == 2);
    s.conv.update().specialize(s.stride == 4);

    // ---- x window of one (channel, k_lo): the boundary test once per element, not once per tap
    s.xz.in(s.conv)
        .compute_at(s.conv, ci)
        .vectorize(_0, vec);
}

}  // namespace convt1d
