// What the two benchmark executables share: the suite's shapes, inputs, the correctness gate
// against float64, and the figures every result carries.
#pragma once

#include "convt1d/convt1d.h"
#include "shapes.h"

#include <benchmark/benchmark.h>

#include <functional>
#include <string>
#include <vector>

namespace convt1d::bench {

// The shapes of bench/shapes.csv for one machine ("gpu" or "cpu").
std::vector<tools::Shape> suite(const std::string &where);

// Random inputs (uniform in [-1, 1], never zeros), float32, PyTorch layout.
struct Inputs {
    std::vector<float> x, w;
    Inputs(const tools::Shape &s, unsigned seed);
};

// Relative L2 error of `out` (B × C_out × L_out, contiguous) against float64 at `samples` random
// positions, and whether every element was written (no NaN poison left).
struct Check {
    double rel_error = 0;
    bool all_written = true;
};
Check check_output(const tools::Shape &s, const Inputs &in, const std::vector<float> &out, int samples = 3000);

// Sets the counters every result carries: time (ms), bytes moved once (GB/s), useful FLOPs
// (GFLOP/s), the floor (max of bytes ÷ copy bandwidth, FLOPs ÷ FMA peak) and % of it, and the
// error against float64. `ms` is the median of the timed calls.
void report(benchmark::State &state, const tools::Shape &s, double ms, double copy_GBps, double peak_GFLOPs,
            const Check &c);

double median(std::vector<double> v);

// Registers "convt1d/<shape>/<who>": one iteration, manual (measured) time in milliseconds; an
// exception from the body is reported as that benchmark's error, not a crash of the suite.
void register_contender(const std::string &shape, const std::string &who,
                        std::function<void(benchmark::State &)> body);

// Tolerances: exact float32 contenders must land under 1e-5 relative error; TF32 is an
// approximate mode (10-bit mantissa products) and is held to 5e-3, and reported as such.
constexpr double kFp32Tolerance = 1e-5;
constexpr double kTf32Tolerance = 5e-3;

}  // namespace convt1d::bench
