// Every rule a call must satisfy, checked before any work. A failure names the argument and the
// rule; the wording follows PyTorch's where PyTorch has one.
#include "internal.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>

namespace convt1d {
namespace {

constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();  // Halide buffers: 32-bit indices

template <typename... A>
Status fail(const A &...parts) {
    std::ostringstream os;
    (os << ... << parts);
    return Status::error(os.str());
}

std::string shape_str(const std::array<int64_t, 3> &s) {
    std::ostringstream os;
    os << "[" << s[0] << ", " << s[1] << ", " << s[2] << "]";
    return os.str();
}

// Checks one tensor's own rules: sizes, strides, and that its largest offset fits Halide's 32-bit
// indexing (its data pointer: validate()). `dims` names the dimensions for the messages.
template <typename T>
Status check_tensor(const char *name, const T &t, const char *const dims[3], int64_t *span) {
    int64_t last = 0;
    for (int d = 0; d < 3; ++d) {
        if (t.shape[d] < 1) {
            return fail(name, ".shape[", d, "] (", dims[d], ") must be >= 1, got ", t.shape[d]);
        }
        if (t.shape[d] > kMaxIndex) {
            return fail(name, ".shape[", d, "] (", dims[d], ") = ", t.shape[d], " exceeds 2^31-1");
        }
        if (t.strides[d] < 0) return fail(name, ".strides[", d, "] must be >= 0, got ", t.strides[d]);
        int64_t reach = 0;
        if (__builtin_mul_overflow(t.shape[d] - 1, t.strides[d], &reach) ||
            __builtin_add_overflow(last, reach, &last) || last > kMaxIndex) {
            return fail(name, " spans more than 2^31-1 elements (shape ", shape_str(t.shape), ", strides ",
                        shape_str(t.strides), "); split the batch");
        }
    }
    if (t.strides[2] != 1 && t.shape[2] > 1) {
        return fail(name, ".strides[2] must be 1 (the ", dims[2], " dimension must be dense), got ",
                    t.strides[2]);
    }
    *span = last + 1;
    return Status::success();
}

// True when no two in-bounds indices of `t` reach the same element.
bool non_overlapping(const Tensor &t) {
    std::array<int, 3> order{0, 1, 2};
    std::sort(order.begin(), order.end(), [&](int a, int b) { return t.strides[a] < t.strides[b]; });
    int64_t need = 1;  // the smallest stride the next dimension may have
    for (int d : order) {
        if (t.shape[d] == 1) continue;
        if (t.strides[d] < need) return false;
        need = t.strides[d] * t.shape[d];
    }
    return true;
}

bool ranges_overlap(const void *a, int64_t a_elems, const void *b, int64_t b_elems) {
    auto a0 = reinterpret_cast<uintptr_t>(a), b0 = reinterpret_cast<uintptr_t>(b);
    auto a1 = a0 + static_cast<uintptr_t>(a_elems) * sizeof(float);
    auto b1 = b0 + static_cast<uintptr_t>(b_elems) * sizeof(float);
    return a0 < b1 && b0 < a1;
}

}  // namespace

int64_t output_length(int64_t L_in, int64_t K, const Params &p) {
    // Computed in 128 bits so that absurd parameters give a huge or negative number, not UB.
    __int128 L = (__int128)(L_in - 1) * p.stride - (__int128)2 * p.padding + (__int128)p.dilation * (K - 1) +
                 p.output_padding + 1;
    if (L > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
    if (L < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(L);
}

// The spans (elements from the first to the last one reached) of x, w and out, for validate()'s
// overlap rules; validate_shapes() has passed.
struct Spans {
    int64_t x = 0, w = 0, out = 0;
};

namespace {

Status check_params(const Params &p) {
    if (p.stride < 1) return fail("stride must be >= 1, got ", p.stride);
    if (p.dilation < 1) return fail("dilation must be >= 1, got ", p.dilation);
    if (p.padding < 0) return fail("padding must be >= 0, got ", p.padding);
    if (p.output_padding < 0) return fail("output_padding must be >= 0, got ", p.output_padding);
    if (p.groups < 1) return fail("groups must be >= 1, got ", p.groups);
    if (p.stride > kMaxIndex || p.dilation > kMaxIndex || p.padding > kMaxIndex || p.groups > kMaxIndex) {
        return fail("stride, padding, dilation and groups must each be <= 2^31-1");
    }
    if (!(p.output_padding < p.stride || p.output_padding < p.dilation)) {
        return fail("output padding must be smaller than either stride or dilation, but got output_padding: ",
                    p.output_padding, ", stride: ", p.stride, ", dilation: ", p.dilation);
    }
    return Status::success();
}

// C_out = w.shape[1] · groups, where it fits Halide's 32-bit indexing.
Status check_out_channels(const ConstTensor &w, const Params &p, int64_t *C_out) {
    if (__builtin_mul_overflow(w.shape[1], p.groups, C_out) || *C_out > kMaxIndex) {
        return fail("out_channels = w.shape[1] * groups overflows 2^31-1");
    }
    return Status::success();
}

const char *const x_dims[3] = {"batch", "in_channels", "length"};
const char *const w_dims[3] = {"in_channels", "out_channels / groups", "kernel_size"};
const char *const o_dims[3] = {"batch", "out_channels", "length"};

}  // namespace

Status validate_shapes(const ConstTensor &x, const ConstTensor &w, const Tensor &out, const Params &p, Spans *spans) {
    if (Status s = check_params(p); !s) return s;
    // each tensor on its own
    if (Status s = check_tensor("x", x, x_dims, &spans->x); !s) return s;
    if (Status s = check_tensor("w", w, w_dims, &spans->w); !s) return s;
    if (Status s = check_tensor("out", out, o_dims, &spans->out); !s) return s;

    // how they fit together
    const int64_t B = x.shape[0], C_in = x.shape[1], L_in = x.shape[2], K = w.shape[2];
    if (w.shape[0] != C_in) {
        return fail("w.shape[0] (in_channels) must equal x.shape[1] = ", C_in, ", got ", w.shape[0]);
    }
    if (C_in % p.groups != 0) {
        return fail("in_channels (x.shape[1] = ", C_in, ") must be divisible by groups = ", p.groups);
    }
    int64_t C_out = 0;
    if (Status s = check_out_channels(w, p, &C_out); !s) return s;
    const int64_t L_out = output_length(L_in, K, p);
    if (L_out < 1) {
        return fail("output length (L_in-1)*stride - 2*padding + dilation*(K-1) + output_padding + 1 = ", L_out,
                    " must be >= 1 (L_in ", L_in, ", K ", K, ", stride ", p.stride, ", padding ", p.padding,
                    ", dilation ", p.dilation, ", output_padding ", p.output_padding, ")");
    }
    if (L_out > kMaxIndex) return fail("output length ", L_out, " exceeds 2^31-1");
    // The pipelines index in 32 bits: the padded output position and the reach of the taps must fit.
    if (L_out + p.padding > kMaxIndex || (K - 1) * p.dilation > kMaxIndex) {
        return fail("L_out + padding = ", L_out + p.padding, " and dilation*(K-1) = ", (K - 1) * p.dilation,
                    " must each be <= 2^31-1 (32-bit indexing)");
    }
    const std::array<int64_t, 3> want{B, C_out, L_out};
    if (out.shape != want) {
        return fail("out.shape must be [batch, out_channels, L_out] = ", shape_str(want), ", got ",
                    shape_str(out.shape));
    }
    if (!non_overlapping(out)) {
        return fail("out.strides ", shape_str(out.strides), " make elements of out overlap");
    }
    return Status::success();
}

Status validate_shapes(const ConstTensor &x, const ConstTensor &w, const Tensor &out, const Params &p) {
    Spans spans;
    return validate_shapes(x, w, out, p, &spans);
}

namespace detail {

Status validate_layer(const ConstTensor &w, const Params &p) {
    if (Status s = check_params(p); !s) return s;
    int64_t span = 0;
    if (Status s = check_tensor("w", w, w_dims, &span); !s) return s;
    if (w.shape[0] % p.groups != 0) {
        return fail("in_channels (w.shape[0] = ", w.shape[0], ") must be divisible by groups = ", p.groups);
    }
    int64_t C_out = 0;
    if (Status s = check_out_channels(w, p, &C_out); !s) return s;
    if ((w.shape[2] - 1) * p.dilation > kMaxIndex) {
        return fail("dilation*(K-1) = ", (w.shape[2] - 1) * p.dilation, " must be <= 2^31-1 (32-bit indexing)");
    }
    if (w.data == nullptr) return fail("w: data is a null pointer");
    return Status::success();
}

Status validate_options(const char *api, const Options &opt) {
    if (opt.cpu_threads < 0) {
        return fail(api, ": Options::cpu_threads must be >= 0 (0: the thread pools as they are), got ", opt.cpu_threads);
    }
    if (opt.cpu_cache_bytes < 0) {
        return fail(api, ": Options::cpu_cache_bytes must be >= 0 (0: the machine's L2), got ", opt.cpu_cache_bytes);
    }
    return Status::success();
}

}  // namespace detail

Status validate(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                const Params &p) {
    // sizes and parameters before data: a zero or negative size is the rule a caller broke, not the
    // null pointer that comes with it
    Spans spans;
    if (Status s = validate_shapes(x, w, out, p, &spans); !s) return s;
    if (x.data == nullptr) return fail("x: data is a null pointer");
    if (w.data == nullptr) return fail("w: data is a null pointer");
    if (out.data == nullptr) return fail("out: data is a null pointer");
    const int64_t C_out = out.shape[1];
    if (ranges_overlap(out.data, spans.out, x.data, spans.x)) return fail("out overlaps x in memory");
    if (ranges_overlap(out.data, spans.out, w.data, spans.w)) return fail("out overlaps w in memory");
    if (bias && ranges_overlap(out.data, spans.out, bias, C_out)) return fail("out overlaps bias in memory");
    return Status::success();
}

}  // namespace convt1d
