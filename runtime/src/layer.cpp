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
    // the prepared weights, one set a general CPU variant with a pack pipeline (cpu_phase, cpu_phase_cl),
    // and what each is; empty: none
    std::vector<std::unique_ptr<float[]>> packed;
    std::vector<detail::PreparedWeights> prepared;
};

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
        // Every general CPU variant with a pack pipeline: the model's (cpu_phase) and the lanes tile
        // (cpu_phase_cl), which the model does not rank: a forward with opt.autotune measures them on its
        // first input of a shape and keeps the faster (runtime/src/convt1d.cpp). (None where a stride far
        // beyond K would make the prepared copy many times w: forward then gathers them in every call.)
        const int32_t extent[3] = {int32_t(K), int32_t(cout_g), int32_t(C_in)};
        halide_dimension_t dims[3];
        halide_buffer_t hw = detail::dense_buffer(impl->w.data(), 3, extent, dims);
        for (const detail::VariantEntry *v : detail::all_variants()) {
            if (v->device != Device::CPU || !v->pack_fn || !v->packed_fn) continue;
            std::unique_ptr<float[]> storage;
            detail::PreparedWeights prepared;
            if (detail::prepare_weights(*v, &hw, p, &storage, &prepared)) {
                impl->packed.push_back(std::move(storage));
                impl->prepared.push_back(prepared);
            }
        }
    }
    out->impl_ = std::move(impl);
    return Status::success();
}

Status Layer::forward(const ConstTensor &x, const Tensor &out, RunInfo *info) const {
    if (!impl_) return Status::error("Layer::forward: the layer holds no weights (Layer::create first)");
    const Impl &l = *impl_;
    return detail::run("Layer::forward", x, weights(), l.bias.empty() ? nullptr : l.bias.data(), out, l.p, l.opt, info,
                       false, l.prepared.empty() ? nullptr : &l.prepared);
}

bool Layer::prepared() const { return impl_ && !impl_->prepared.empty(); }

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
