// The tap steps of a variant compiled for one geometry (only = 1), in plain C++: the generator and
// the schedules (through schedule.h) build the math with them, and the runtime counts the weights a
// block stages in shared memory with them (runtime/src/registry.cpp).
#pragma once

#include <cstdint>
#include <numeric>

namespace convt1d {

// The step between the taps of one residue class, for a stride and dilation compiled into the math
// (only = 1): taps k and k + m land on the same phases iff m·dilation ≡ 0 (mod stride), i.e. m is a
// multiple of stride / gcd(stride, dilation). An odd dilation at stride S steps by S; kb79's dilation
// 2 at stride 2 by 1, so its 3 taps are one class on the one phase they land on (by S they were two
// classes of ⌈3 / 2⌉ = 2 taps: 4 multiply-adds per output for 3, one against a zero weight).
inline int tap_step(int stride, int dilation) { return stride / std::gcd(stride, dilation); }
// How far x's index moves per tap j of a step: tap_step·dilation / stride, exactly.
inline int tap_x_step(int stride, int dilation) { return dilation / std::gcd(stride, dilation); }
// The inverse of tap_x_step modulo tap_step (0 where the step is 1): phase p's first landing tap
// solves k·dilation ≡ p + padding (mod stride), i.e. k ≡ ((p + padding) / gcd)·inverse (mod tap_step)
// where gcd(stride, dilation) divides p + padding (no tap lands on the other phases). The closed-form
// variants (family cuda_phase) take it, with tap_step, as run-time inputs that the runtime computes.
inline int tap_inverse(int stride, int dilation) {
    const int64_t m = tap_step(stride, dilation), a = tap_x_step(stride, dilation) % m;
    if (m == 1) return 0;
    int64_t r0 = m, r1 = a, t0 = 0, t1 = 1;  // extended Euclid: t1·a ≡ r1 (mod m)
    while (r1 != 0) {
        const int64_t q = r0 / r1, r2 = r0 - q * r1, t2 = t0 - q * t1;
        r0 = r1, r1 = r2, t0 = t1, t1 = t2;
    }
    return int((t0 % m + m) % m);  // r0 = gcd(a, m) = 1
}

// The threads along a block's output channels (each reg_co of them) of a window point (phase_taps > 0, family
// cuda_phase) of fewer than 64 threads along its positions: 64 / tile_l, so that a block of a short tile of
// positions is still two warps, over 64 / tile_l times the channels (schedules/cuda_phase.cpp; the runtime's
// shared-memory count and cost model take the same figure). 1 elsewhere.
inline int window_co_threads(int tile_l, int phase_taps) { return phase_taps > 0 && tile_l > 0 && tile_l < 64 ? 64 / tile_l : 1; }

// The folded rows' pitch (phase_taps = taps, generators/convt1d_generator.cpp): a row's positions of a
// phase, last_q + 1 with last_q = (L_out − 1) / stride, the phases' offsets into x (dx + 1 more) and the
// window's halo ((taps − 1)·dx), over dx rows of the copy where x's step between a phase's taps is dx > 1
// (the row's positions i − first in [(taps − 1)·dx, last_q + 1 + taps·dx], a slot every dx of them), in
// whole 16-byte vectors: at dx = 1, last_q + taps + 2 slots rounded up. A template so that the generator
// builds it as a Halide Expr and the runtime (runtime/src/registry.cpp, model.cpp) counts the same slots.
template <typename I>
I folded_pitch(I last_q, int taps, I dx) {
    return ((last_q + 1) / dx + taps + 4) / 4 * 4;
}

}  // namespace convt1d
