#include "shapes.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace convt1d::tools {

double Shape::useful_flops() const {
    // Every (input element, tap, output channel of the group) pair whose output lands in range.
    int64_t landing = 0;  // (i, k) pairs with 0 <= i·stride − padding + k·dilation < L_out
    const int64_t Lo = L_out();
    for (int64_t k = 0; k < K; ++k) {
        const int64_t off = p.padding - k * p.dilation;  // l = i·stride − off
        const int64_t lo = off > 0 ? (off + p.stride - 1) / p.stride : 0;
        const int64_t hi = (Lo - 1 + off) >= 0 ? std::min<int64_t>(L_in - 1, (Lo - 1 + off) / p.stride) : -1;
        if (hi >= lo) landing += hi - lo + 1;
    }
    return 2.0 * double(B) * double(C_out) * double(C_in / p.groups) * double(landing);
}

double Shape::bytes_once(bool bias) const {
    const double elems = double(B) * C_in * L_in + double(C_in) * (C_out / p.groups) * K + double(B) * C_out * L_out() +
                         (bias ? double(C_out) : 0.0);
    return 4.0 * elems;
}

std::string shapes_file(const std::string &given) {
    if (!given.empty()) return given;
    return std::ifstream(CONVT1D_SHAPES_FILE) ? CONVT1D_SHAPES_FILE : "bench/shapes.csv";
}

std::vector<Shape> load_shapes(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open shape list " + path);
    std::vector<Shape> shapes;
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (line.empty() || line[0] == '#' || line.rfind("name,", 0) == 0) continue;
        std::stringstream ss(line);
        std::vector<std::string> f;
        for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
        if (f.size() != 12) {
            throw std::runtime_error(path + ":" + std::to_string(lineno) + ": expected 12 fields, got " +
                                     std::to_string(f.size()));
        }
        Shape s;
        try {
            s.name = f[0];
            s.B = std::stoll(f[1]);
            s.C_in = std::stoll(f[2]);
            s.C_out = std::stoll(f[3]);
            s.K = std::stoll(f[4]);
            s.L_in = std::stoll(f[5]);
            s.p.stride = std::stoll(f[6]);
            s.p.padding = std::stoll(f[7]);
            s.p.output_padding = std::stoll(f[8]);
            s.p.dilation = std::stoll(f[9]);
            s.p.groups = std::stoll(f[10]);
            s.where = f[11];
        } catch (const std::exception &) {
            throw std::runtime_error(path + ":" + std::to_string(lineno) + ": a field is not a number");
        }
        shapes.push_back(s);
    }
    return shapes;
}

const Shape *find_shape(const std::vector<Shape> &shapes, const std::string &name) {
    for (const Shape &s : shapes) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

}  // namespace convt1d::tools
