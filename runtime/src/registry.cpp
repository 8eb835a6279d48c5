// The variant registry (generated from schedules/variants.cmake) and the choice of a variant.
#include "internal.h"

#include "geometry.h"

#include "HalideRuntime.h"
#include "variants.inc"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <utility>

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

// Halide indexes a buffer with 32 bits: a variant's own intermediates must each hold at most 2^31 − 1
// elements. True where they do; else *why names each buffer with its size.
bool intermediates_fit(std::initializer_list<std::pair<const char *, __int128>> buffers, std::string *why) {
    constexpr __int128 kMaxElements = std::numeric_limits<int32_t>::max();
    bool fit = true;
    std::string sizes;
    for (const auto &[name, elements] : buffers) {
        fit = fit && elements <= kMaxElements;
        sizes += std::string(sizes.empty() ? "" : ", ") + name + " " +
                 std::to_string((long long)std::min<__int128>(elements, INT64_MAX));
    }
    if (!fit && why) {
        *why = "needs intermediate buffers over 2^31-1 elements for this problem (" + sizes +
               "; Halide indexes with 32 bits)";
    }
    return fit;
}
}  // namespace

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
            l.push_back({v.name, v.device, v.tile_l, v.reg_l, v.reg_co, v.ungrouped != 0, v.stage_w != 0, v.pad_x != 0, v.autoscheduled != 0, v.taps, v.dil, v.max_regs, v.stride, v.padding, v.odd_dilation != 0, v.only != 0, v.stage_out, v.lanes != 0, v.split_ci, v.phase_taps, v.tap_classes != 0, v.grid_chunks != 0, v.family});
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
    // (the closed form, cuda_phase: one phase's ⌈K / step⌉ taps, or a window's phase_taps whatever the
    // layer's, × split_ci or C_in/groups channels)
    if (v.device == Device::CPU) return 0;  // (no shared memory)
    if (gpu_cols(v)) {
        // the columns' form: the block's reg_co columns × the group's input channels, rounded up to whole
        // groups of unroll_ci (its loop's last group)
        const int64_t unroll = std::max(v.unroll_ci, 1), cin_g = x.shape[1] / p.groups;
        const int64_t channels = v.split_ci > 0 ? std::min<int64_t>(v.split_ci, cin_g) : cin_g;  // (a chunk's)
        return v.stage_w ? int64_t(v.reg_co) * ceil_div(channels, unroll) * unroll * 4 : 0;
    }
    const bool closed = general_gpu(v);
    const int64_t K = w.shape[2], step = v.only || closed ? tap_step(p.stride, p.dilation) : p.stride;
    const int64_t taps = !closed ? (K + step - 1) / step * step : v.phase_taps > 0 ? v.phase_taps : (K + step - 1) / step;
    const int64_t cin_g = x.shape[1] / p.groups;
    const int64_t channels = closed && v.split_ci ? std::min<int64_t>(v.split_ci, cin_g) : cin_g;
    // (where the phases are in two kernels by their taps, a block of the larger class: the class of three's
    // channels × 3 taps, or the class of two's reg_co × 2 — with tap_classes 2, 8 × 3 under 16 × 2; a window point
    // of fewer than 64 position threads stages the channels of all its 64 / tile_l channel threads, geometry.h)
    const int64_t co_threads = window_co_threads(v.tile_l, v.phase_taps);
    const int64_t per_channel = co_threads * (v.tap_classes ? std::max<int64_t>(class_three_channels(v) * 3, int64_t(v.reg_co) * 2)
                                                            : int64_t(v.reg_co) * taps);
    const int64_t weights = v.stage_w ? per_channel * channels * 4 : 0;
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
    if (v.phase_taps > 0) {
        // at most phase_taps taps a phase (⌈K / step⌉, step = stride / gcd(stride, dilation)), and, but for a
        // window point whose copy of x takes any dilation (internal.h), x's step between a phase's taps 1
        // (dilation / gcd == 1: the dilation divides the stride)
        const int64_t step = tap_step(p.stride, p.dilation), K = w.shape[2];
        const bool any_dilation = window_any_dilation(v);
        if ((!any_dilation && p.dilation != p.stride / step) || (K + step - 1) / step > v.phase_taps) {
            if (why) {
                *why = "computes at most " + std::to_string(v.phase_taps) + " taps a phase" +
                       (any_dilation ? " (K <= " + std::to_string(v.phase_taps) + "·stride / gcd(stride, dilation))"
                                     : " with the dilation dividing the stride (K <= " + std::to_string(v.phase_taps) +
                                           "·stride at dilation 1)") +
                       ", got K = " + std::to_string(K) + ", stride = " + std::to_string(p.stride) +
                       ", dilation = " + std::to_string(p.dilation);
            }
            return false;
        }
    }
    if (gpu_cols(v)) {
        // the columns' buffer, B × C_out·K × L_in elements (split: the chunks' partial columns, that many a
        // chunk)
        const __int128 columns = (__int128)x.shape[0] * w.shape[1] * p.groups * w.shape[2] * x.shape[2] *
                                 input_chunks(v, x.shape[1] / p.groups);
        if (!intermediates_fit({{"the columns", columns}}, why)) return false;
    }
    if (general_gpu(v)) {
        // The variant's own intermediates (intermediates_fit: each at most 2^31 − 1 elements): the phase
        // planes (per chunk where split) and, with pad_x, x's zero-extended copy (where split, its channels
        // C_in rounded up to the unrolled channels: the generator bounds it so since NOTES 53; before, whole
        // chunks, and a k512 split point on kb64's shape, 64 rows of ~65,550 slots × 512 channels, 2.15 G
        // elements, faulted on an H100 with an illegal address, NOTES 52 (h)).
        const int64_t B = x.shape[0], cin_g = x.shape[1] / p.groups, L_in = x.shape[2], K = w.shape[2];
        const int64_t S = std::max<int64_t>(p.stride, 1), L_out = std::max<int64_t>(output_length(L_in, K, p), 1);
        const int64_t chunks = input_chunks(v, cin_g), unroll = std::max(v.unroll_ci, 1);
        const int64_t channels = v.split_ci > 0 ? std::min(chunks * v.split_ci, ceil_div(cin_g, unroll) * unroll) : cin_g;
        // a row's slots: the folded rows' pitch (phase_taps), else x's positions and the taps' reach
        const int64_t slots = v.phase_taps > 0 ? folded_row_slots(v, L_out, p) + v.phase_taps
                                               : L_in + p.dilation * (K - 1) + 2 * S + 16;
        const int64_t positions = v.phase_taps > 0 ? slots : (L_out - 1) / S + 1;  // a plane's, per row
        const int64_t C_out = w.shape[1] * p.groups, reg_co = std::max(v.reg_co, 1);
        const __int128 copy = v.pad_x ? (__int128)B * slots * channels : 0;
        const __int128 planes = (__int128)B * positions * std::min(S, L_out) * ceil_div(C_out, reg_co) * reg_co * chunks;
        if (!intermediates_fit({{"x's copy", copy}, {"the phase planes", planes}}, why)) return false;
        // The planes' grid (schedules/cuda_phase.cpp), whose y and z CUDA bounds at 65,535 blocks: a block a tile
        // of a phase's positions (the rows folded into them with phase_taps and x's copy; else a row's, the rows
        // beside the phases: p and b fused) and reg_co channels. With co_first the tiles in y, the phases (× rows)
        // in z; else the channel blocks in y; with grid_chunks the tiles × phases (× rows) in y, the chunks in z.
        // (One row of 5 M positions at stride 8 passes it with grid_chunks; a batch of 20,000 short rows at
        // stride 4 without folded rows.)
        const int64_t tile = block_positions(v);
        const bool folded = folds_rows(v);
        const int64_t tiles = folded ? ceil_div(B * positions, tile) : ceil_div(positions, tile);
        const int64_t phases = std::min(S, L_out) * (folded ? 1 : B);
        const int64_t y = v.grid_chunks ? tiles * phases : v.co_first ? tiles : ceil_div(C_out, reg_co);
        const int64_t z = v.grid_chunks ? chunks : phases;
        if (y > kMaxGridYZ || z > kMaxGridYZ) {
            if (why) {
                *why = "its grid would need " + std::to_string(std::max(y, z)) + " blocks in y or z (CUDA's limit " +
                       std::to_string(kMaxGridYZ) + "): " + std::to_string(tiles) + " tiles of " + std::to_string(tile) +
                       " positions, " + std::to_string(std::min(S, L_out)) + " phases" +
                       (folded ? "" : " × " + std::to_string(B) + " rows") +
                       (v.grid_chunks ? ", " + std::to_string(chunks) + " chunks" : "");
            }
            return false;
        }
    }
    if (const int64_t need = shared_bytes(v, x, w, p), limit = shared_limit(); need > limit) {
        if (why) {
            *why = "needs " + std::to_string(need) + " bytes of shared memory per block for this problem (limit " +
                   std::to_string(limit) + ")";
        }
        return false;
    }
    return true;
}

bool detail::zero_slots(const VariantEntry &v, int64_t K, const Params &p) {
    if (std::string(v.family) == "cpu_phase" || columns_form(v)) {
        return false;  // each phase's own taps, window or not
    }
    const int64_t step = v.only || general_gpu(v) ? tap_step(p.stride, p.dilation) : p.stride;
    // a CUDA window: phase_taps slots in every landing phase; else ⌈K / step⌉ slots a landing phase (a
    // residue k_lo < min(step, K)), past K − 1 in some where K passes the step and is not a multiple of it
    // (in two classes by their taps, tap_classes: three slots where a phase has three, two in the others,
    // past K − 1 where a phase has fewer than two: K < 2·step)
    if (v.tap_classes) return K < 2 * step;
    if (v.phase_taps > 0) return K != int64_t(v.phase_taps) * step;
    return K > step && K % step != 0;
}

std::vector<detail::Plan> detail::ranked_plans(const ConstTensor &x, const ConstTensor &w, const Params &p,
                                               Device d, bool allow_in_place, std::vector<double> *seconds) {
    std::vector<std::pair<double, Plan>> scored;
    for (const VariantEntry &v : kVariantTable) {
        if (named_only(v) || (!allow_in_place && in_place(v))) continue;  // (a measured or named choice only)
        // (on the CPU, a plan whose sums meet x's infs and NaNs as PyTorch's do: the variants that would sum
        // a zero weight's slot on this layer are left to a caller who names them, README's guarantees)
        if (d == Device::CPU && v.device == Device::CPU && zero_slots(v, w.shape[2], p)) continue;
        for (const bool per_group : {false, true}) {
            const Plan plan{&v, per_group};
            if ((per_group && p.groups == 1) || !can_run(plan, x, w, p, d, nullptr)) continue;
            scored.push_back({model_seconds(plan, x, w, p), plan});
        }
    }
    // ties go to the earlier entry of schedules/variants.cmake
    std::stable_sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<Plan> out;
    if (seconds) seconds->clear();
    for (const auto &s : scored) {
        out.push_back(s.second);
        if (seconds) seconds->push_back(s.first);
    }
    return out;
}

const detail::VariantEntry *detail::edge_variant(const ConstTensor &x, const ConstTensor &w, const Params &p,
                                                 int64_t count, Device d) {
    // The model sees a problem of the piece's size (its rows cut to about `count` outputs, no padding:
    // a view's shape only, no data), can_run the real one (a compiled-in padding must match it).
    ConstTensor piece = x;
    Params q = p;
    q.padding = 0;
    q.output_padding = 0;
    const int64_t span = (w.shape[2] - 1) * p.dilation + 1;
    piece.shape[2] = std::max<int64_t>(1, std::min(x.shape[2], (std::max<int64_t>(count - span, 0)) / p.stride + 1));
    const VariantEntry *best = nullptr;
    double best_s = 0;
    for (const VariantEntry &v : kVariantTable) {
        // (not the columns' form: it sums every input position's columns whatever piece of the output it is
        // asked for, x's whole rows where the model sees the piece's. With the model of NOTES 61 it ranked first
        // on encodec_up3's and dac_up4's ends, and their in-place point took 3.94 and 10.7 ms against 1.11 and
        // 1.97 with the phase point at the ends; H100 runs 175 and 174)
        if (named_only(v) || in_place(v) || columns_form(v) || !can_run(v, x, w, p, d, nullptr)) continue;
        const double s = model_seconds(v, piece, w, q);
        if (!best || s < best_s) best = &v, best_s = s;  // ties: the earlier entry of the list
    }
    return best;
}

std::vector<RankedPlan> rank_plans(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d) {
    std::vector<double> seconds;
    const std::vector<detail::Plan> plans = detail::ranked_plans(x, w, p, d, /*allow_in_place=*/true, &seconds);
    std::vector<RankedPlan> out;
    for (size_t i = 0; i < plans.size(); ++i) out.push_back({plans[i].v->name, plans[i].per_group, 1e3 * seconds[i]});
    return out;
}

Choice choose_variant(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d) {
    if (std::string tuned; detail::tuned_variant(detail::tuning_key(x, w, p, d), &tuned)) {
        const detail::Plan plan = detail::parse_plan(tuned);
        return {plan.v->name, "tuned", plan.per_group};
    }
    // The model's first (runtime/src/model.cpp): over all groups, or once per group where that
    // ranks first (a few wide groups: each group's problem runs the one-group loop nests, whose
    // channels share their x loads, at the price of a call per group).
    const std::vector<detail::Plan> ranked = detail::ranked_plans(x, w, p, d);
    if (ranked.empty()) return Choice{};
    return {ranked.front().v->name, "heuristic", ranked.front().per_group};
}

}  // namespace convt1d
