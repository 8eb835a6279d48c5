// convt1d::Layer: a layer's weights held, and on the CPU prepared once, for many calls; its forward is
// the library's one call path (convt1d.cpp) with them.
#include "internal.h"

#include "geometry.h"

#include "HalideRuntime.h"

#include <limits>
#include <vector>

namespace convt1d {

struct Layer::Impl {
    Params p;
    Options opt;
    std::vector<float> w;     // C_in × C_out/groups × K, contiguous
    std::array<int64_t, 3> w_shape{};
    std::vector<float> bias;  // C_out floats, or empty: no bias
    std::vector<float> packed;            // the prepared weights, or empty
    detail::PreparedWeights prepared;     // what they are (v == nullptr: none)
};

namespace {

// The general CPU variant whose weights a Layer prepares: the first in the list with a pack pipeline.
const detail::VariantEntry *preparing_variant() {
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device == Device::CPU && v->pack_fn && v->packed_fn) return v;
    }
    return nullptr;
}

// Prepares w (contiguous, checked) for v by its pack pipeline. Returns false, preparing nothing, where
// the prepared copy would be more than 8 times the size of w (stride far beyond K) or where the
// pipeline fails: forward then gathers in every call, as conv_transpose1d does.
bool prepare(const detail::VariantEntry &v, const std::vector<float> &w, const std::array<int64_t, 3> &w_shape,
             const Params &p, std::vector<float> *packed, detail::PreparedWeights *prepared) {
    detail::install_halide_hooks();
    const int64_t C_in = w_shape[0], cout_g = w_shape[1], K = w_shape[2];
    const int32_t step = tap_step(int(p.stride), int(p.dilation)), inverse = tap_inverse(int(p.stride), int(p.dilation));
    const int32_t w_extent[3] = {int32_t(K), int32_t(cout_g), int32_t(C_in)};
    halide_dimension_t wd[3], pd[5];
    halide_buffer_t hw = detail::dense_buffer(w.data(), 3, w_extent, wd);
    auto pack = [&](const float *data, const int32_t *extent) {
        halide_buffer_t hp = detail::dense_buffer(data, 5, extent, pd);
        detail::CallContext ctx;
        return v.pack_fn(&ctx, &hw, int32_t(p.stride), int32_t(p.padding), int32_t(p.dilation), step, inverse, &hp);
    };
    // The lanes of a block, A, are the pipeline's target's (8 with AVX-512, 4 below: chosen when it
    // is first called); its output's constraint gives them, asked by a bounds query.
    const int32_t unknown[5] = {};
    if (pack(nullptr, unknown) != 0 || pd[0].extent < 1) return false;
    const int64_t A = pd[0].extent;
    const int64_t taps = (K - 1) / step + 1, blocks = (cout_g + A - 1) / A;
    const int64_t extent[5] = {A, taps, C_in, blocks, p.stride};
    __int128 count = 1;
    for (int64_t e : extent) count *= e;
    if (count > (__int128)8 * int64_t(w.size()) || count > std::numeric_limits<int32_t>::max()) return false;
    for (int d = 0; d < 5; ++d) prepared->extent[d] = int32_t(extent[d]);
    packed->assign(size_t(count), 0.0f);
    if (pack(packed->data(), prepared->extent) != 0) {
        packed->clear();
        return false;
    }
    prepared->v = &v;
    prepared->data = packed->data();
    return true;
}

}  // namespace

Status Layer::create(const ConstTensor &w, const float *bias, const Params &p, const Options &opt, Layer *out) {
    if (!out) return Status::error("Layer::create: out is a null pointer");
    if (Status s = detail::validate_layer(w, p); !s) return s;
    if (Status s = detail::validate_options("Layer::create", opt); !s) return s;
    auto impl = std::make_shared<Impl>();
    impl->p = p;
    impl->opt = opt;
    impl->w_shape = w.shape;
    const int64_t C_in = w.shape[0], cout_g = w.shape[1], K = w.shape[2];
    impl->w.resize(size_t(C_in * cout_g * K));
    for (int64_t i = 0; i < C_in; ++i) {
        for (int64_t o = 0; o < cout_g; ++o) {
            for (int64_t k = 0; k < K; ++k) {
                impl->w[size_t((i * cout_g + o) * K + k)] =
                    w.data[i * w.strides[0] + o * w.strides[1] + k * detail::halide_stride(w, 2)];
            }
        }
    }
    if (bias) impl->bias.assign(bias, bias + cout_g * p.groups);

    const Device device = opt.device == Device::Auto ? (cuda_available() ? Device::CUDA : Device::CPU) : opt.device;
    if (device == Device::CPU) {
        if (const detail::VariantEntry *v = preparing_variant()) {
            prepare(*v, impl->w, impl->w_shape, p, &impl->packed, &impl->prepared);  // else gathered in every call
        }
    }
    out->impl_ = std::move(impl);
    return Status::success();
}

Status Layer::forward(const ConstTensor &x, const Tensor &out, RunInfo *info) const {
    if (!impl_) return Status::error("Layer::forward: the layer holds no weights (Layer::create first)");
    const Impl &l = *impl_;
    return detail::run("Layer::forward", x, weights(), l.bias.empty() ? nullptr : l.bias.data(), out, l.p, l.opt, info,
                       false, l.prepared.v ? &l.prepared : nullptr);
}

bool Layer::prepared() const { return impl_ && impl_->prepared.v; }

ConstTensor Layer::weights() const {
    if (!impl_) return {};
    const auto &s = impl_->w_shape;
    return contiguous(impl_->w.data(), s[0], s[1], s[2]);
}

const Params &Layer::params() const {
    static const Params none;
    return impl_ ? impl_->p : none;
}

}  // namespace convt1d
