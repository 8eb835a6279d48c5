// A float64 reference of ConvTranspose1d, straight from the definition (scatter form, every
// input element × every tap). Slow and obvious: the yardstick for tests, the CLI and the bench.
#pragma once

#include "convt1d/convt1d.h"

#include <cstdint>
#include <vector>

namespace convt1d::reference {

// out (B × C_out × L_out, contiguous) in float64. `bias` may be nullptr.
std::vector<double> conv_transpose1d(const ConstTensor &x, const ConstTensor &w, const float *bias,
                                     const Params &p);

// One output element out[b, co, l], by the gather form (for sampled checks of large outputs).
double output_at(const ConstTensor &x, const ConstTensor &w, const float *bias, const Params &p,
                 int64_t b, int64_t co, int64_t l);

}  // namespace convt1d::reference
