// A seeded random driver over the API (runs in CI): ≥ 10,000 parameter sets drawn to hit every
// validation rule and its edges. Each call must either succeed and match float64, or fail with a
// message and leave the output untouched; a crash fails the whole test binary.
#include "test_util.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace convt1d::test {
namespace {

constexpr int kSets = 10000;
constexpr int64_t kMaxElems = 1 << 16;  // a problem is backed by real memory up to this size
constexpr float kSentinel = -7.5f;

int64_t edge(std::mt19937_64 &rng, int64_t typical_hi) {
    auto U = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    switch (U(0, 9)) {
    case 0: return 0;
    case 1: return -U(1, 5);
    case 2: return int64_t(1) << U(31, 62);        // overflows 32-bit indexing or int64 products
    case 3: return std::numeric_limits<int32_t>::max();
    default: return U(1, typical_hi);
    }
}

TEST(Fuzz, EveryCallSucceedsCorrectlyOrFailsCleanly) {
    std::mt19937_64 rng(test_seed() + 100);
    auto U = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    std::uniform_real_distribution<float> V(-1.f, 1.f);
    int tried = 0, correct = 0, rejected = 0, validated_only = 0;
    std::vector<float> arena;
    for (int n = 0; n < kSets; ++n, ++tried) {
        // shapes and hyper-parameters: mostly valid and small, each rule broken now and then
        Params p;
        p.stride = U(0, 5) == 0 ? edge(rng, 6) : U(1, 4);
        p.padding = U(0, 5) == 0 ? edge(rng, 8) - 1 : U(0, 4);
        p.dilation = U(0, 5) == 0 ? edge(rng, 5) : U(1, 3);
        p.groups = U(0, 5) == 0 ? edge(rng, 4) : (U(0, 2) == 0 ? 2 : 1);
        p.output_padding = U(0, 4) == 0 ? edge(rng, 4) : 0;
        const int64_t g = std::max<int64_t>(1, std::min<int64_t>(p.groups, 8));
        int64_t B = U(0, 8) == 0 ? edge(rng, 3) : U(1, 3);
        int64_t C_in = U(0, 8) == 0 ? edge(rng, 9) : g * U(1, 4);
        int64_t cout_g = U(0, 8) == 0 ? edge(rng, 5) : U(1, 5);
        int64_t K = U(0, 8) == 0 ? edge(rng, 12) : U(1, 7);       // K larger than L now and then
        int64_t L = U(0, 8) == 0 ? edge(rng, 40) : U(1, 40);
        // products of edge values saturate instead of overflowing (the library must refuse them)
        auto mul = [](int64_t a, int64_t b) {
            int64_t r = 0;
            return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<int64_t>::max() : r;
        };
        const int64_t C_out = mul(cout_g, std::max<int64_t>(p.groups, 1));
        const int64_t L_out = output_length(L, K, p);
        const int64_t L_out_shape = U(0, 10) == 0 && L_out < std::numeric_limits<int64_t>::max() ? L_out + 1 : L_out;

        ConstTensor x{nullptr, {B, C_in, L}, {mul(C_in, L), L, 1}};
        ConstTensor w{nullptr, {U(0, 10) == 0 ? C_in + 1 : C_in, cout_g, K}, {mul(cout_g, K), K, 1}};
        Tensor out{nullptr, {B, C_out, L_out_shape}, {mul(C_out, L_out), L_out, 1}};
        if (U(0, 12) == 0) x.strides[2] = U(0, 3);                     // not dense
        if (U(0, 12) == 0) out.strides[1] = U(0, 2);                   // self-overlapping
        if (U(0, 20) == 0) x.strides[0] = int64_t(1) << U(30, 62);     // span overflow

        // memory: real when small, so that an accepted call can be run and checked
        auto span = [](const std::array<int64_t, 3> &s, const std::array<int64_t, 3> &st) -> int64_t {
            __int128 m = 1;
            for (int d = 0; d < 3; ++d) {
                if (s[d] < 1 || st[d] < 0) return -1;
                m += (__int128)(s[d] - 1) * st[d];
            }
            return m > kMaxElems ? -1 : int64_t(m);
        };
        const int64_t sx = span(x.shape, x.strides), sw = span(w.shape, w.strides), so = span(out.shape, out.strides);
        const bool real = sx > 0 && sw > 0 && so > 0;
        const bool use_bias = U(0, 1) == 1;
        if (real) {
            arena.assign(size_t(sx + sw + so + std::clamp<int64_t>(C_out, 1, kMaxElems)), 0.0f);
            for (float &e : arena) e = V(rng);
            x.data = arena.data();
            w.data = arena.data() + sx;
            out.data = arena.data() + sx + sw;
            std::fill(out.data, out.data + so, kSentinel);
            const int alias = int(U(0, 25));
            if (alias == 0) out.data = const_cast<float *>(x.data) + U(0, sx - 1);  // out overlaps x
            if (alias == 1) out.data = const_cast<float *>(w.data);                   // out overlaps w
        } else {
            // never dereferenced: validation must refuse, or the call is only validated
            static float dummy[4];
            x.data = dummy, w.data = dummy + 1, out.data = dummy + 2;
        }
        if (U(0, 30) == 0) x.data = nullptr;
        if (U(0, 30) == 0) w.data = nullptr;
        if (U(0, 30) == 0) out.data = nullptr;
        const float *bias = use_bias && real ? arena.data() + sx + sw + so : nullptr;
        if (bias && U(0, 25) == 0) bias = out.data;  // bias overlaps out

        const Status v = validate(x, w, bias, out, p);
        if (!v.ok) {
            ASSERT_FALSE(v.message.empty());
            if (real && out.data) {
                std::vector<float> before(out.data, out.data + 1);
                const Status st = conv_transpose1d(x, w, bias, out, p, {});
                ASSERT_FALSE(st.ok);
                ASSERT_EQ(st.message, v.message);
                if (out.data == arena.data() + sx + sw) {
                    for (int64_t i = 0; i < so; ++i) ASSERT_EQ(out.data[i], kSentinel) << "rejected call wrote output";
                }
            }
            ++rejected;
            continue;
        }
        if (!real) {
            ++validated_only;  // valid but too large to back with memory here
            continue;
        }
        std::vector<float> snapshot(arena);  // inputs as they were, for the reference
        const ConstTensor rx{snapshot.data(), x.shape, x.strides};
        const ConstTensor rw{snapshot.data() + sx, w.shape, w.strides};
        const float *rb = bias ? snapshot.data() + (bias - arena.data()) : nullptr;
        const std::vector<double> ref = reference::conv_transpose1d(rx, rw, rb, p);
        std::vector<float> abs_arena = abs_of(snapshot.data(), snapshot.size());
        const ConstTensor ax{abs_arena.data(), x.shape, x.strides};
        const ConstTensor aw{abs_arena.data() + sx, w.shape, w.strides};
        const std::vector<double> ref_abs =
            reference::conv_transpose1d(ax, aw, bias ? abs_arena.data() + (bias - arena.data()) : nullptr, p);
        if (std::getenv("CONVT1D_FUZZ_VERBOSE")) {  // the last line before a crash names the culprit
            std::fprintf(stderr, "call %d: B %lld C_in %lld cout_g %lld K %lld L %lld s %lld p %lld d %lld g %lld op %lld bias %d\n", n,
                         (long long)B, (long long)C_in, (long long)cout_g, (long long)K, (long long)L,
                         (long long)p.stride, (long long)p.padding, (long long)p.dilation, (long long)p.groups,
                         (long long)p.output_padding, bias != nullptr);
        }
        const auto t0 = std::chrono::steady_clock::now();
        const Status st = conv_transpose1d(x, w, bias, out, p, {});
        ASSERT_TRUE(st.ok) << st.message;
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_LT(sec, 1.0) << "slow call: B " << B << " C_in " << C_in << " cout_g " << cout_g << " K " << K << " L " << L
                            << " stride " << p.stride << " padding " << p.padding << " dilation " << p.dilation;
        std::vector<float> dense(ref.size());
        for (int64_t b = 0; b < B; ++b) {
            for (int64_t c = 0; c < C_out; ++c) {
                for (int64_t l = 0; l < L_out; ++l) {
                    dense[size_t((b * C_out + c) * L_out + l)] =
                        out.data[b * out.strides[0] + c * out.strides[1] + l * out.strides[2]];
                }
            }
        }
        double rel = 0;
        ASSERT_TRUE(close_to_float64(dense, ref, ref_abs, &rel)) << "relative error " << rel << ": "
            << "B " << B << " C_in " << C_in << " cout_g " << cout_g << " K " << K << " L " << L << " stride " << p.stride
            << " padding " << p.padding << " dilation " << p.dilation << " groups " << p.groups << " op "
            << p.output_padding << " bias " << (bias != nullptr) << " x.strides " << x.strides[0] << "," << x.strides[1]
            << "," << x.strides[2] << " out.strides " << out.strides[0] << "," << out.strides[1] << ","
            << out.strides[2];
        ++correct;
    }
    std::printf("[ fuzz     ] tried %d, accepted-and-correct %d, rejected %d, validated-only %d, crashes 0\n", tried,
                correct, rejected, validated_only);
    EXPECT_EQ(tried, kSets);
    EXPECT_GT(correct, kSets / 10) << "the driver must also exercise accepted calls";
    EXPECT_GT(rejected, kSets / 10) << "the driver must also exercise the rules";
}

}  // namespace
}  // namespace convt1d::test
