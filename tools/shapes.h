// The suite's shapes (bench/shapes.csv), shared by the CLI and the benchmark.
#pragma once

#include "convt1d/convt1d.h"

#include <string>
#include <vector>

namespace convt1d::tools {

struct Shape {
    std::string name;
    int64_t B = 1, C_in = 1, C_out = 1, K = 1, L_in = 1;
    Params p;
    std::string where;  // "gpu" or "cpu"

    int64_t L_out() const { return output_length(L_in, K, p); }
    // Multiply-adds that land (each input element meets every tap of every output channel of its group).
    double useful_flops() const;
    // Bytes of x, w, bias and out, each moved once.
    double bytes_once(bool bias) const;
};

// The shape list to read: the caller's (given, where not empty), else the source tree's this was built from
// (CONVT1D_SHAPES_FILE), else ./bench/shapes.csv (a build carried to another machine and run from the
// repository root).
std::string shapes_file(const std::string &given);
// Reads the CSV; throws std::runtime_error naming the file and line on a malformed row.
std::vector<Shape> load_shapes(const std::string &path);
const Shape *find_shape(const std::vector<Shape> &shapes, const std::string &name);

}  // namespace convt1d::tools
