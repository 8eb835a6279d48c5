// The variant registry (generated from schedules/variants.cmake) and the choice of a variant.
#include "internal.h"

#include "HalideRuntime.h"
#include "variants.inc"

#include <cstdlib>

namespace convt1d {
namespace detail {

const VariantEntry *find_variant(const std::string &name) {
    for (const VariantEntry &v : kVariantTable) {
        if (name == v.name) return &v;
    }
    return nullptr;
}

}  // namespace detail

const std::vector<VariantInfo> &variants() {
    static const std::vector<VariantInfo> list = [] {
        std::vector<VariantInfo> l;
        for (const detail::VariantEntry &v : detail::kVariantTable) {
            l.push_back({v.name, v.device, v.tile_l, v.tile_co, v.ci_chunk, v.stage_w != 0});
        }
        return l;
    }();
    return list;
}

const char *to_string(Device d) {
    switch (d) {
    case Device::Auto: return "auto";
    case Device::CPU: return "cpu";
    case Device::CUDA: return "cuda";
    }
    return "?";
}

// Heuristic: on CUDA, the widest channel tile that the channels fill (a 64-channel tile over 3
// channels computes 61 rows of zeros), then 16 outputs per lane along L, which keeps 16..32
// accumulators in registers and enough blocks to fill 132 SMs on every suite shape.
Choice choose_variant(const ConstTensor &, const ConstTensor &w, const Params &p, Device d) {
    const int64_t C_out = w.shape[1] * p.groups;
    const detail::VariantEntry *best = nullptr;
    double best_score = -1e30;
    for (const detail::VariantEntry &v : detail::kVariantTable) {
        if (v.device != d) continue;
        double score = 0;
        if (d == Device::CUDA) {
            const int64_t tiles = (C_out + v.tile_co - 1) / v.tile_co;
            const double fill = double(C_out) / double(tiles * v.tile_co);  // useful fraction of lanes
            score = 4.0 * fill + (v.tile_co == 64 ? 0.5 : 0.0) - (v.tile_l == 16 ? 0.0 : 0.25) -
                    (v.stage_w ? 0.1 : 0.0) - (v.ci_chunk == 8 ? 0.0 : 0.05);
        }
        if (!best || score > best_score) {
            best = &v;
            best_score = score;
        }
    }
    return best ? Choice{best->name, "heuristic"} : Choice{};
}

}  // namespace convt1d
