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

std::vector<const VariantEntry *> all_variants() {
    std::vector<const VariantEntry *> out;
    for (const VariantEntry &v : kVariantTable) out.push_back(&v);
    return out;
}

}  // namespace detail

const std::vector<VariantInfo> &variants() {
    static const std::vector<VariantInfo> list = [] {
        std::vector<VariantInfo> l;
        for (const detail::VariantEntry &v : detail::kVariantTable) {
            l.push_back({v.name, v.device, v.tile_l, v.reg_l, v.reg_co, v.ungrouped != 0, v.stage_w != 0, v.pad_x != 0, v.autoscheduled != 0, v.taps, v.dil, v.max_regs, v.stride});
        }
        return l;
    }();
    return list;
}

std::string tuning_cache_path() { return detail::tuning_cache_path(); }

const char *to_string(Device d) {
    switch (d) {
    case Device::Auto: return "auto";
    case Device::CPU: return "cpu";
    case Device::CUDA: return "cuda";
    }
    return "?";
}

int64_t detail::shared_bytes(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p) {
    if (!v.stage_w) return 0;
    // reg_co channels × the taps k_lo + j·stride reaches (K rounded up to whole phases) × C_in/groups
    const int64_t K = w.shape[2], taps = (K + p.stride - 1) / p.stride * p.stride;
    return int64_t(v.reg_co) * taps * (x.shape[1] / p.groups) * 4;
}

bool detail::can_run(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p, Device d,
                     std::string *why) {
    if (v.device != d) {
        if (why) *why = std::string("runs on ") + to_string(v.device) + ", but device " + to_string(d) + " was requested";
        return false;
    }
    if (v.ungrouped && p.groups != 1) {
        if (why) *why = "computes groups == 1 only, got groups = " + std::to_string(p.groups);
        return false;
    }
    if (v.stride > 0 && p.stride != v.stride) {
        if (why) *why = "computes stride " + std::to_string(v.stride) + " only, got stride = " + std::to_string(p.stride);
        return false;
    }
    if (const int64_t need = shared_bytes(v, x, w, p); need > kSharedLimit) {
        if (why) {
            *why = "needs " + std::to_string(need) + " bytes of shared memory per block for this problem (limit " +
                   std::to_string(kSharedLimit) + ")";
        }
        return false;
    }
    return true;
}

// Heuristic, until a measurement says otherwise: on CUDA the largest register block the output
// channels fill (a 32-channel block over 3 channels computes 29 of zeros), with 128 threads per
// block; on the CPU, the CPU variant.
Choice choose_variant(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d) {
    if (std::string tuned; detail::tuned_variant(detail::tuning_key(x, w, p, d), &tuned)) {
        return {tuned, "tuned"};
    }
    const int64_t C_out = w.shape[1] * p.groups;
    const detail::VariantEntry *best = nullptr;
    double best_score = -1;
    for (const detail::VariantEntry &v : detail::kVariantTable) {
        if (!detail::can_run(v, x, w, p, d, nullptr) || v.autoscheduled) continue;  // measured choice only
        double score = 0;
        if (d == Device::CUDA) {
            const int64_t blocks = (C_out + v.reg_co - 1) / v.reg_co;
            const double fill = double(C_out) / double(blocks * v.reg_co);  // useful fraction of the FMAs
            // tiles of whole phases put a warp's lanes in one phase (no divergence)
            const double phase = p.stride > 1 && v.stride > 0 ? 1.5 : 1.0;
            score = fill * (1.0 + std::min(v.reg_co, 32) / 32.0) * (v.stage_w ? 1.5 : 1.0) * phase -
                    (v.tile_l == 128 ? 0.0 : 0.01);
        }
        if (score > best_score) {
            best = &v;
            best_score = score;
        }
    }
    return best ? Choice{best->name, "heuristic"} : Choice{};
}

}  // namespace convt1d
