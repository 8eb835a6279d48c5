#include "convt1d/reference.h"


namespace convt1d::reference {

std::vector<double> conv_transpose1d(const ConstTensor &x, const ConstTensor &w, const float *bias,
                                     const Params &p) {
    const int64_t B = x.shape[0], C_in = x.shape[1], L_in = x.shape[2];
    const int64_t cout_g = w.shape[1], K = w.shape[2];
    const int64_t cin_g = C_in / p.groups, C_out = cout_g * p.groups;
    const int64_t L_out = output_length(L_in, K, p);
    std::vector<double> out(size_t(B * C_out * L_out), 0.0);
    for (int64_t b = 0; b < B; ++b) {
        for (int64_t co = 0; co < C_out; ++co) {
            double *row = &out[size_t((b * C_out + co) * L_out)];
            if (bias) {
                for (int64_t l = 0; l < L_out; ++l) row[l] = bias[co];
            }
            const int64_t g = co / cout_g;
            for (int64_t c = 0; c < cin_g; ++c) {
                const int64_t ci = g * cin_g + c;
                for (int64_t i = 0; i < L_in; ++i) {
                    const double xv = x.data[b * x.strides[0] + ci * x.strides[1] + i * x.strides[2]];
                    for (int64_t k = 0; k < K; ++k) {
                        // scatter: input i, tap k lands on l = i·stride − padding + k·dilation
                        const int64_t l = i * p.stride - p.padding + k * p.dilation;
                        if (l < 0 || l >= L_out) continue;
                        row[l] += xv * w.data[ci * w.strides[0] + (co % cout_g) * w.strides[1] + k * w.strides[2]];
                    }
                }
            }
        }
    }
    return out;
}

double output_at(const ConstTensor &x, const ConstTensor &w, const float *bias, const Params &p, int64_t b,
                 int64_t co, int64_t l) {
    const int64_t C_in = x.shape[1], L_in = x.shape[2], cout_g = w.shape[1], K = w.shape[2];
    const int64_t cin_g = C_in / p.groups, g = co / cout_g;
    double acc = bias ? bias[co] : 0.0;
    for (int64_t k = 0; k < K; ++k) {
        // gather: tap k reads input i where i·stride = l + padding − k·dilation exactly
        const int64_t t = l + p.padding - k * p.dilation;
        if (t < 0 || t % p.stride != 0 || t / p.stride >= L_in) continue;
        const int64_t i = t / p.stride;
        for (int64_t c = 0; c < cin_g; ++c) {
            const int64_t ci = g * cin_g + c;
            acc += double(x.data[b * x.strides[0] + ci * x.strides[1] + i * x.strides[2]]) *
                   double(w.data[ci * w.strides[0] + (co % cout_g) * w.strides[1] + k * w.strides[2]]);
        }
    }
    return acc;
}

}  // namespace convt1d::reference
