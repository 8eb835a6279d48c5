// convt1d::Layer: a layer's weights held, and on the CPU prepared once, for many calls; its forward is
// the library's one call path (convt1d.cpp) with them.
#include "internal.h"

#include "HalideRuntime.h"

#include <memory>
#include <vector>

namespace convt1d {

struct Layer::Impl {
    Params p;
    Options opt;
    std::vector<float> w;     // C_in × C_out/groups × K, contiguous
    std::array<int64_t, 3> w_shape{};
    std::vector<float> bias;  // C_out floats, or empty: no bias
    std::unique_ptr<float[]> packed;      // the prepared weights, or none
    detail::PreparedWeights prepared;     // what they are (v == nullptr: none)
};

namespace {

// The general CPU variant whose weights a Layer prepares: the first in the list with a pack pipeline
// that the cost model ranks (cpu_phase; cpu_phase_cl is named only, registry's named_only).
const detail::VariantEntry *preparing_variant() {
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device == Device::CPU && v->pack_fn && v->packed_fn && !detail::named_only(*v)) return v;
    }
    return nullptr;
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
            // (else, a stride far beyond K, forward runs the variant that gathers them in every call)
            const int32_t extent[3] = {int32_t(K), int32_t(cout_g), int32_t(C_in)};
            halide_dimension_t dims[3];
            halide_buffer_t hw = detail::dense_buffer(impl->w.data(), 3, extent, dims);
            detail::prepare_weights(*v, &hw, p, &impl->packed, &impl->prepared);
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
