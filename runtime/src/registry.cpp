// The variant registry (generated from schedules/variants.cmake) and the choice of a variant.
#include "internal.h"

#include "geometry.h"

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

namespace {
constexpr const char *kPerGroup = "/per_group";
}

std::string plan_name(const Plan &plan) {
    return std::string(plan.v ? plan.v->name : "?") + (plan.per_group ? kPerGroup : "");
}

Plan parse_plan(const std::string &name) {
    const size_t n = std::char_traits<char>::length(kPerGroup);
    if (name.size() > n && name.compare(name.size() - n, n, kPerGroup) == 0) {
        return {find_variant(name.substr(0, name.size() - n)), true};
    }
    return {find_variant(name), false};
}

GroupSlice group_slice(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                       const Params &p, int64_t g) {
    const int64_t cin_g = x.shape[1] / p.groups, cout_g = out.shape[1] / p.groups;
    GroupSlice s{x, w, bias ? bias + g * cout_g : nullptr, out, p};
    s.x.data += g * cin_g * x.strides[1];
    s.x.shape[1] = cin_g;
    s.w.data += g * cin_g * w.strides[0];
    s.w.shape[0] = cin_g;
    s.out.data += g * cout_g * out.strides[1];
    s.out.shape[1] = cout_g;
    s.p.groups = 1;
    return s;
}

GroupSlice group_shapes(const ConstTensor &x, const ConstTensor &w, const Params &p) {
    // group 0's slices stand for all; only their shapes are read
    const Tensor out{nullptr, {x.shape[0], w.shape[1] * p.groups, 1}, {}};
    return group_slice(x, w, nullptr, out, p, 0);
}

bool can_run(const Plan &plan, const ConstTensor &x, const ConstTensor &w, const Params &p, Device d,
             std::string *why) {
    if (!plan.per_group || p.groups == 1) return can_run(*plan.v, x, w, p, d, why);
    const GroupSlice s = group_shapes(x, w, p);
    return can_run(*plan.v, s.x, s.w, s.p, d, why);
}

}  // namespace detail

const std::vector<VariantInfo> &variants() {
    static const std::vector<VariantInfo> list = [] {
        std::vector<VariantInfo> l;
        for (const detail::VariantEntry &v : detail::kVariantTable) {
            l.push_back({v.name, v.device, v.tile_l, v.reg_l, v.reg_co, v.ungrouped != 0, v.stage_w != 0, v.pad_x != 0, v.autoscheduled != 0, v.taps, v.dil, v.max_regs, v.stride, v.padding, v.odd_dilation != 0, v.only != 0, v.stage_out, v.split_ci, v.family});
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
    // the staged weights: reg_co channels × the taps k_lo + j·step reaches (K rounded up to whole
    // steps: the stride, or for a compiled-in geometry stride / gcd(stride, dilation)) × C_in/groups
    // (the closed form, cuda_phase: one phase's ⌈K / step⌉ taps × split_ci or C_in/groups channels)
    const bool closed = std::string(v.family) == "cuda_phase";
    const int64_t K = w.shape[2], step = v.only || closed ? tap_step(p.stride, p.dilation) : p.stride;
    const int64_t taps = closed ? (K + step - 1) / step : (K + step - 1) / step * step;
    const int64_t cin_g = x.shape[1] / p.groups, channels = closed && v.split_ci ? std::min<int64_t>(v.split_ci, cin_g) : cin_g;
    const int64_t weights = v.stage_w ? int64_t(v.reg_co) * taps * channels * 4 : 0;
    // the staged outputs: the block's tile_l·reg_l positions × reg_co channels, by phase planes
    // padded by 32 / stride floats each (32 floats per channel)
    const int64_t positions = int64_t(v.tile_l) * v.reg_l + (v.stage_out == 2 ? 32 : 0);
    const int64_t outputs = v.stage_out ? positions * v.reg_co * 4 : 0;
    return weights + outputs;
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
    if (v.odd_dilation && p.dilation % 2 == 0) {
        if (why) *why = "computes odd dilations only, got dilation = " + std::to_string(p.dilation);
        return false;
    }
    const int only_stride = std::max(v.stride, 1);
    if (v.only && (w.shape[2] != v.taps || p.dilation != v.dil || p.padding != v.padding ||
                   p.stride != only_stride || p.groups != 1)) {
        if (why) {
            *why = "computes K = " + std::to_string(v.taps) + ", dilation = " + std::to_string(v.dil) +
                   ", padding = " + std::to_string(v.padding) + ", stride " + std::to_string(only_stride) +
                   ", groups 1 only, got K = " +
                   std::to_string(w.shape[2]) + ", dilation = " + std::to_string(p.dilation) + ", padding = " +
                   std::to_string(p.padding) + ", stride = " + std::to_string(p.stride) +
                   ", groups = " + std::to_string(p.groups);
        }
        return false;
    }
    if (in_place(v)) {
        // x read in place as 16-byte vectors (the generator's layout constraints)
        const int64_t cs = halide_stride(x, 1), bs = halide_stride(x, 0);
        if (reinterpret_cast<uintptr_t>(x.data) % 16 != 0 || cs % 4 != 0 || bs % 4 != 0) {
            if (why) {
                *why = "reads x in place as 16-byte vectors: needs x 16-byte aligned and its channel and batch "
                       "strides multiples of 4 elements, got " + std::to_string(reinterpret_cast<uintptr_t>(x.data) % 16) +
                       " bytes past a 16-byte boundary, strides " + std::to_string(cs) + " and " + std::to_string(bs);
            }
            return false;
        }
    }
    if (const int64_t C_out = w.shape[1] * p.groups; v.stage_out && C_out < v.reg_co) {
        // its last channel block is shifted inwards (schedules/cuda.cpp): it needs a whole one
        if (why) {
            *why = "computes at least " + std::to_string(v.reg_co) +
                   " output channels (its last channel block is shifted inwards), got C_out = " + std::to_string(C_out);
        }
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

namespace {

// Heuristic, until a measurement says otherwise. On CUDA, the traits of the measured winners of
// every large shape of the suite (bench/results/, H100): a compiled-in fast path that matches the
// problem (filter length or padding, with its dilation: kb74 3.61 ms against 4.11 generic, kb79
// 2.27 against 2.66, wide 3.37 against 3.76), above all a variant compiled for the whole geometry
// (`only`: kb74 3.04 against 3.62, kb64 14.1 against 15.8; in place, without the zero-extension
// pass: 2.63 and 12.3), the outputs staged in shared memory (kb79 2.98 against 1.07 on one block,
// stride4 1.01 against 0.63, wide 1.89 against 1.75 with 4 channels), the closed-form landing k_lo
// for an odd dilation at a compiled-in stride (wide 3.76 against 4.77, stride4 1.33 against 1.85), a
// compiled-in stride (warps of one phase), staged weights, and a reg_l × 8 register block that the
// output channels fill (the 32-channel blocks measured 1.5x slower on kb74). Ties go to the
// earlier entry of schedules/variants.cmake. On the CPU, the CPU variant.
const detail::VariantEntry *heuristic(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d,
                                      bool allow_in_place = true) {
    const int64_t C_out = w.shape[1] * p.groups, K = w.shape[2];
    const detail::VariantEntry *best = nullptr;
    double best_score = -1;
    for (const detail::VariantEntry &v : detail::kVariantTable) {
        if (!detail::can_run(v, x, w, p, d, nullptr) || v.autoscheduled) continue;  // measured choice only
        if (!allow_in_place && detail::in_place(v)) continue;
        double score = 0;
        if (d == Device::CUDA) {
            const int64_t blocks = (C_out + v.reg_co - 1) / v.reg_co;
            const double fill = double(C_out) / double(blocks * v.reg_co);  // useful fraction of the FMAs
            const bool one_group = p.groups == 1;
            const bool taps_path = v.taps > 0 && one_group && p.stride == 1 && K == v.taps && p.dilation == v.dil;
            const bool padding_path =
                v.padding >= 0 && one_group && p.padding == v.padding && p.dilation == std::max(v.dil, 1);
            score = fill * (taps_path || padding_path ? 1.3 : 1.0) * (v.only ? 1.1 : 1.0) *
                    (detail::in_place(v) ? 1.05 : 1.0) * (v.stage_out ? 1.1 : 1.0) * (v.odd_dilation ? 1.2 : 1.0) *
                    (v.stride > 1 ? 1.5 : 1.0) * (v.stage_w ? 1.5 : 1.0) * (v.reg_l >= 4 ? 1.3 : 1.0) *
                    (v.reg_co == 8 ? 1.2 : 1.0) -
                    (v.tile_l == 128 ? 0.0 : 0.01);
        }
        if (score > best_score) {
            best = &v;
            best_score = score;
        }
    }
    return best;
}

}  // namespace

const detail::VariantEntry *detail::edge_variant(const ConstTensor &x, const ConstTensor &w, const Params &p,
                                                 Device d) {
    return heuristic(x, w, p, d, /*allow_in_place=*/false);
}

Choice choose_variant(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d) {
    if (std::string tuned; detail::tuned_variant(detail::tuning_key(x, w, p, d), &tuned)) {
        const detail::Plan plan = detail::parse_plan(tuned);
        return {plan.v->name, "tuned", plan.per_group};
    }
    // A few wide groups: once per group with the one-group loop nests (a thread's or a vector's
    // channels share their x loads), rather than the grouped loop nest, which loads x per channel.
    // The thresholds: a group fills a block of 8 channels, and at most 16 calls. Measured: grouped
    // (H100) 3.98 -> 0.745 ms; on the 2-core CPU grouped_cpu 4.66 -> 2.92 ms, 4 groups at stride 2
    // 3.51 -> 3.14, 2, 8 and 16 groups of 8-32 channels level (within 3 %), depthwise (outside the
    // rule) 0.95 -> 1.32 ms.
    if (p.groups > 1 && p.groups <= 16 && w.shape[1] >= 8) {
        const detail::GroupSlice s = detail::group_shapes(x, w, p);
        if (const detail::VariantEntry *v = heuristic(s.x, s.w, s.p, d)) return {v->name, "heuristic", true};
    }
    const detail::VariantEntry *v = heuristic(x, w, p, d);
    return v ? Choice{v->name, "heuristic", false} : Choice{};
}

}  // namespace convt1d
