// The variant registry (generated from schedules/variants.cmake) and the choice of a variant.
#include "internal.h"

#include "HalideRuntime.h"
#include "variants.inc"

#include <algorithm>
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
            l.push_back({v.name, v.device, v.tile_l, v.tile_co, v.reg_l, v.reg_co, v.stage_out != 0, v.stage_x != 0});
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

int64_t detail::shared_bytes(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p) {
    if (v.device != Device::CUDA) return 0;
    int64_t bytes = v.stage_out ? int64_t(v.tile_l + 1) * v.tile_co * 4 : 0;
    if (v.stage_x) {
        const int64_t K = w.shape[2], C_in = x.shape[1], cin_g = C_in / p.groups, cout_g = w.shape[1];
        const int64_t taps = (K + p.stride - 1) / p.stride;
        const int64_t window = (v.tile_l - 1) / p.stride + 2 + (taps - 1) * p.dilation;
        // the input channels of every group a tile of tile_co channels can touch
        const int64_t chans = p.groups == 1 ? C_in : std::min(C_in, ((v.tile_co + cout_g - 1) / cout_g + 1) * cin_g);
        bytes += window * chans * 4;
    }
    return bytes;
}

// Heuristic, until a measurement says otherwise: among the CUDA variants whose shared memory fits,
// the one whose tile the problem fills best (a 64-channel tile over 3 channels computes 61 rows of
// zeros), then the larger register block (more FMAs per load). On the CPU, the CPU variant.
Choice choose_variant(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d) {
    const int64_t C_out = w.shape[1] * p.groups;
    const int64_t L_out = output_length(x.shape[2], w.shape[2], p);
    const detail::VariantEntry *best = nullptr;
    double best_score = -1;
    for (const detail::VariantEntry &v : detail::kVariantTable) {
        if (v.device != d) continue;
        double score = 0;
        if (d == Device::CUDA) {
            if (detail::shared_bytes(v, x, w, p) > detail::kSharedLimit) continue;
            auto fill = [](int64_t n, int64_t tile) { return double(n) / double((n + tile - 1) / tile * tile); };
            score = fill(C_out, v.tile_co) * fill(L_out, v.tile_l) * (1.0 + (v.reg_l * v.reg_co) / 256.0) *
                    (v.stage_x ? 1.0 : 0.5);
        }
        if (score > best_score) {
            best = &v;
            best_score = score;
        }
    }
    return best ? Choice{best->name, "heuristic"} : Choice{};
}

}  // namespace convt1d
