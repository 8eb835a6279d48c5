// Pieces both CUDA schedule families (schedules/cuda.cpp, schedules/cuda_warp.cpp) apply the same
// way: the loop-nest specialisations of the taps, the transposed weights, the padded x, and the
// block's weights in shared memory.
#pragma once

#include "schedule.h"

#include <algorithm>

namespace convt1d::cuda {

constexpr int kVec = 4;  // weights per 16-byte load

// Specialisations of the tap loop, most specific first: the compiled-in filter length and dilation
// (k.taps, k.dil), stride 1 with one group, one group; with k.ungrouped, groups != 1 fails.
void specialise_tap_loop(Stages &s, const Knobs &k);

// The weights transposed once per call to (co, k, ci), co innermost, by a kernel of their own.
Halide::Func transposed_weights(Stages &s);

// x zero-extended into a buffer of its own by a kernel ahead of the main one (aligned for the
// 16-byte windows of k.only).
void pad_x(Stages &s, const Knobs &k);

// For a variant compiled for one geometry (k.only): the step between the taps of one k_lo (the
// generator's tap_step) and the taps per k_lo, ⌈K / step⌉, as its reduction domain counts them.
inline int tap_step(const Knobs &k) { return convt1d::tap_step(std::max(k.stride, 1), k.dil); }
inline int taps_per_phase(const Knobs &k) { return (k.taps - 1) / tap_step(k) + 1; }

// For a variant compiled for one geometry (k.only): a thread's window of x for one input channel,
// relative to its first output position q (l at stride 1) — the first x position it reads and how
// many it spans — over every landing (phase, tap) of its reg_l outputs.
struct Window {
    int first, extent;
};
Window x_window(const Knobs &k, int reg_l);

// The block's reg_co channels × K taps × C_in/groups channels of wt in shared memory, loaded by
// `threads` threads of the block (as gpu_lanes when `lanes`); taps > 0: the taps it reaches, known
// at compile time (0: K at run time).
void stage_weights(Halide::Func wt, Stages &s, const Halide::Var &block, int reg_co, int taps, int threads,
                   bool lanes);

}  // namespace convt1d::cuda
