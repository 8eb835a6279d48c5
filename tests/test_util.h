// Shared by the tests: random problems in the range the issue asks for, and the check against
// the float64 reference.
#pragma once

#include "convt1d/convt1d.h"
#include "convt1d/reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace convt1d::test {

// The float32 acceptance test against float64: ‖got − ref‖₂ ≤ 1e-5 · ‖ref‖₂, or, where the sums
// cancel (‖ref‖ much smaller than the terms it sums), ≤ 1e-5 · ‖ref_abs‖₂ with ref_abs the same
// convolution of |x|, |w|, |bias| — the classic forward-error bound of a float32 dot product.
inline bool close_to_float64(const std::vector<float> &got, const std::vector<double> &ref,
                             const std::vector<double> &ref_abs, double *rel) {
    double num = 0, den = 0, den_abs = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        if (std::isnan(got[i])) {
            *rel = INFINITY;
            return false;
        }
        num += (double(got[i]) - ref[i]) * (double(got[i]) - ref[i]);
        den += ref[i] * ref[i];
        den_abs += ref_abs[i] * ref_abs[i];
    }
    *rel = den > 0 ? std::sqrt(num / den) : (num == 0 ? 0 : INFINITY);
    return *rel <= 1e-5 || std::sqrt(num) <= 1e-5 * std::sqrt(den_abs);
}

// |v| elementwise, for ref_abs.
inline std::vector<float> abs_of(const float *p, size_t n) {
    std::vector<float> a(p, p + n);
    for (float &e : a) e = std::abs(e);
    return a;
}

// Each run draws fresh inputs; the seed is printed and can be replayed with CONVT1D_TEST_SEED.
inline uint64_t test_seed() {
    static const uint64_t seed = [] {
        const char *env = std::getenv("CONVT1D_TEST_SEED");
        const uint64_t s = env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
        std::printf("[ seed     ] CONVT1D_TEST_SEED=%llu\n", (unsigned long long)s);
        return s;
    }();
    return seed;
}

struct Problem {
    int64_t B, C_in, C_out, K, L_in;
    Params p;
    bool bias;
    int64_t x_row_pad = 0, out_row_pad = 0;  // extra elements between rows: non-contiguous views

    int64_t L_out() const { return output_length(L_in, K, p); }
    std::string str() const {
        std::ostringstream os;
        os << "B=" << B << " C_in=" << C_in << " C_out=" << C_out << " K=" << K << " L_in=" << L_in
           << " stride=" << p.stride << " padding=" << p.padding << " output_padding=" << p.output_padding
           << " dilation=" << p.dilation << " groups=" << p.groups << " bias=" << bias << " x_row_pad=" << x_row_pad
           << " out_row_pad=" << out_row_pad;
        return os.str();
    }
};

// Stride 1–5, dilation 1–4, padding 0–6, output_padding, groups 1 / 2 / depthwise, bias on and off,
// K 1–9, L_in 1–300, channel counts that no tile divides, B 1–4.
inline Problem random_problem(std::mt19937_64 &rng) {
    auto U = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    static const int64_t chans[] = {1, 2, 3, 4, 5, 8, 16, 31, 33, 64, 65};
    for (;;) {
        Problem pr{};
        pr.B = U(1, 4);
        pr.K = U(1, 9);
        pr.L_in = U(0, 3) == 0 ? U(1, 8) : U(1, 300);
        pr.p.stride = U(1, 5);
        pr.p.dilation = U(1, 4);
        pr.p.padding = U(0, 6);
        const int64_t op_max = std::max(pr.p.stride, pr.p.dilation) - 1;
        pr.p.output_padding = U(0, 2) == 0 ? U(0, op_max) : 0;
        const int64_t mode = U(0, 3);  // 0,1: groups 1; 2: groups 2; 3: depthwise
        if (mode <= 1) {
            pr.p.groups = 1;
            pr.C_in = chans[U(0, 10)];
            pr.C_out = chans[U(0, 10)];
        } else if (mode == 2) {
            pr.p.groups = 2;
            pr.C_in = 2 * chans[U(0, 7)];
            pr.C_out = 2 * chans[U(0, 7)];
        } else {
            pr.C_in = pr.C_out = pr.p.groups = chans[U(0, 10)];
        }
        pr.bias = U(0, 1) == 1;
        if (U(0, 4) == 0) pr.x_row_pad = U(1, 7);
        if (U(0, 4) == 0) pr.out_row_pad = U(1, 7);
        if (pr.L_out() >= 1) return pr;
    }
}

// Inputs, a NaN-poisoned output (with its row gaps), and the float64 reference.
struct Case {
    Problem pr;
    std::vector<float> x, w, bias, out;
    std::vector<double> ref, ref_abs;
    ConstTensor tx, tw;
    Tensor to;

    Case(const Problem &p, std::mt19937_64 &rng) : pr(p) {
        std::uniform_real_distribution<float> U(-1.f, 1.f);
        const int64_t cout_g = pr.C_out / pr.p.groups, L_out = pr.L_out();
        const int64_t xrow = pr.L_in + pr.x_row_pad, orow = L_out + pr.out_row_pad;
        x.resize(size_t(pr.B * pr.C_in * xrow));
        w.resize(size_t(pr.C_in * cout_g * pr.K));
        bias.resize(size_t(pr.C_out));
        for (auto *v : {&x, &w, &bias}) {
            for (float &e : *v) e = U(rng);
        }
        out.assign(size_t(pr.B * pr.C_out * orow), std::numeric_limits<float>::quiet_NaN());
        tx = {x.data(), {pr.B, pr.C_in, pr.L_in}, {pr.C_in * xrow, xrow, 1}};
        tw = contiguous(w.data(), pr.C_in, cout_g, pr.K);
        to = {out.data(), {pr.B, pr.C_out, L_out}, {pr.C_out * orow, orow, 1}};
        compute_reference();
    }
    // ref and ref_abs of the case's x, w and bias as they are now (a test that swaps w or bias calls it
    // again)
    void compute_reference() {
        tw.data = w.data();
        ref = reference::conv_transpose1d(tx, tw, bias_ptr(), pr.p);
        const std::vector<float> ax = abs_of(x.data(), x.size()), aw = abs_of(w.data(), w.size()),
                                 ab = abs_of(bias.data(), bias.size());
        ConstTensor atx = tx, atw = tw;
        atx.data = ax.data(), atw.data = aw.data();
        ref_abs = reference::conv_transpose1d(atx, atw, pr.bias ? ab.data() : nullptr, pr.p);
    }
    const float *bias_ptr() const { return pr.bias ? bias.data() : nullptr; }
    // This case through the library on host pointers, with the named variant on that device.
    Status run(const std::string &variant, Device device, RunInfo *info = nullptr) {
        Options o;
        o.device = device;
        o.variant = variant;
        return conv_transpose1d(tx, tw, bias_ptr(), to, pr.p, o, info);
    }

    // Every element written and within 1e-5 relative (L2) of float64; row gaps left as they were.
    ::testing::AssertionResult check(const std::vector<float> &got) const {
        const int64_t L_out = pr.L_out(), orow = L_out + pr.out_row_pad;
        std::vector<float> dense(ref.size());
        double max_ref = 0, max_diff = 0;
        for (int64_t b = 0; b < pr.B; ++b) {
            for (int64_t c = 0; c < pr.C_out; ++c) {
                for (int64_t l = 0; l < orow; ++l) {
                    const float v = got[size_t((b * pr.C_out + c) * orow + l)];
                    if (l >= L_out) {
                        if (!std::isnan(v)) {
                            return ::testing::AssertionFailure() << "wrote into a row gap at b=" << b << " c=" << c
                                                                 << " l=" << l << " (" << pr.str() << ")";
                        }
                        continue;
                    }
                    const size_t i = size_t((b * pr.C_out + c) * L_out + l);
                    if (std::isnan(v)) {
                        return ::testing::AssertionFailure() << "unwritten (NaN) output at b=" << b << " c=" << c
                                                             << " l=" << l << " (" << pr.str() << ")";
                    }
                    dense[i] = v;
                    max_ref = std::max(max_ref, std::abs(ref[i]));
                    max_diff = std::max(max_diff, std::abs(double(v) - ref[i]));
                }
            }
        }
        double rel = 0;
        if (!close_to_float64(dense, ref, ref_abs, &rel) || !(max_diff <= 1e-5 * std::max(1.0, max_ref) * 10)) {
            return ::testing::AssertionFailure() << "relative error " << rel << ", max |diff| " << max_diff
                                                 << " (max |ref| " << max_ref << ") for " << pr.str();
        }
        return ::testing::AssertionSuccess();
    }
};

// The library's description of a variant, or nullptr when it has none of that name.
inline const VariantInfo *variant_info(const std::string &name) {
    for (const VariantInfo &e : variants()) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

// Whether a variant takes weights prepared ahead (a Layer's, or a call's own pass over w): the plain
// cpu_phase points, either form of tile (schedules/CMakeLists.txt builds their pack pipelines).
inline bool takes_prepared(const std::string &name) {
    const VariantInfo *v = variant_info(name);
    return v && v->family == "cpu_phase" && v->split_ci == 0 && v->phase_taps == 0;
}

// Whether this build holds CUDA variants (a build with -DCONVT1D_CUDA=OFF holds none): the tests of the
// CUDA variants' list and of the CUDA cost model skip without them, with this message.
inline bool has_cuda_variants() {
    for (const VariantInfo &e : variants()) {
        if (e.device == Device::CUDA) return true;
    }
    return false;
}
constexpr const char *kNoCudaVariants = "SKIPPED: this build has no CUDA variants (CONVT1D_CUDA=OFF)";

// A variant of the default list (schedules/variants.cmake) that a test names: in the library unless
// the build chose its own points or geometries (CONVT1D_POINTS, CONVT1D_GEOMETRIES), where the
// test's check on it is skipped.
inline bool default_variant(const char *name) {
    if (variant_info(name)) return true;
    EXPECT_FALSE(CONVT1D_DEFAULT_LIST) << name << " is in the default variant list but not in the library";
    return false;
}

// The tests' own tuning cache: a file in a fresh temporary folder, named in CONVT1D_TUNING_CACHE as the
// test process starts (a first CPU Layer forward records its measured choice, which must not land in the
// user's ~/.cache nor carry over from an earlier run); a test that points the cache elsewhere puts this
// one back (tests_tuning_cache()).
inline std::string fresh_tuning_cache(const char *pattern) {
    std::string dir = std::string("/tmp/") + pattern + "-XXXXXX";
    if (!mkdtemp(dir.data())) return "";
    return dir + "/tuning.tsv";
}
inline const std::string kTestsTuningCache = [] {
    const std::string path = fresh_tuning_cache("convt1d-tests-tuning");
    if (!path.empty()) setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    return path;
}();
inline void tests_tuning_cache() {
    if (kTestsTuningCache.empty()) {
        unsetenv("CONVT1D_TUNING_CACHE");
    } else {
        setenv("CONVT1D_TUNING_CACHE", kTestsTuningCache.c_str(), 1);
    }
}

// For the life of the object, CONVT1D_TUNING_CACHE names a file that does not exist in a fresh
// temporary folder, so that nothing is tuned; the tests' own cache again afterwards, also when an
// assertion ends the test early.
class NothingTuned {
public:
    NothingTuned() {
        const std::string path = fresh_tuning_cache("convt1d-untuned");
        ok_ = !path.empty();
        if (ok_) setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    }
    ~NothingTuned() { tests_tuning_cache(); }
    NothingTuned(const NothingTuned &) = delete;
    NothingTuned &operator=(const NothingTuned &) = delete;
    bool ok() const { return ok_; }

private:
    bool ok_ = false;
};

}  // namespace convt1d::test
