// The tap steps of a variant compiled for one geometry (only = 1), in plain C++: the generator and
// the schedules (through schedule.h) build the math with them, and the runtime counts the weights a
// block stages in shared memory with them (runtime/src/registry.cpp).
#pragma once

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

}  // namespace convt1d
