// A probe of the AVX-512 register tiles of cpu_phase's stride-1 loop nest, outside Halide: what rate each
// tile form reaches on one core (and on every core, each thread with its own row) of the machine it runs
// on, so that a schedule change is chosen by measurement (docs/NOTES.md 53). The problem is kb64_cpu's
// (K 3 at stride 1, C_in 128, 2,048 positions a row) with 192 output channels, so that every tile's channel
// count (4, 6, 8, 12, 16) divides them. Not part of the library or its tests; build by hand:
//   clang++ -O3 -march=skylake-avx512 -std=c++17 -pthread tools/cpu_tile_probe.cpp -o cpu_tile_probe
// (clang: LLVM, as Halide; g++ 12 left some tiles' accumulators in memory)
// and run `./cpu_tile_probe [threads...]` (default 1 and all cores). It prints GFLOP/s per form, the FMA
// peak of 12 independent chains beside them, and checks every form's sums against a scalar loop.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kCin = 128, kCout = 192, kTaps = 3, kL = 2048, kHalo = 16;
constexpr int kPitch = kL + 2 * kHalo + 2;  // floats a row of x (kb64_cpu's copy: not a multiple of 16)

struct Problem {
    std::vector<float> x;  // kCin rows of kPitch: x[ci][kHalo + i] = input position i, zeros around
    std::vector<float> w;  // [ci][m][co]
    Problem() : x(size_t(kCin) * kPitch + 64, 0.f), w(size_t(kCin) * kTaps * kCout) {
        std::mt19937 g(7);
        std::uniform_real_distribution<float> u(-1.f, 1.f);
        for (int ci = 0; ci < kCin; ++ci)
            for (int i = 0; i < kL; ++i) x[size_t(ci) * kPitch + kHalo + i] = u(g);
        for (float &v : w) v = u(g);
    }
    const float *row(int ci) const { return x.data() + size_t(ci) * kPitch + kHalo; }
};

// The weights of a block of A channels in the order a form reads them: [ci][m][j].
std::vector<float> block_weights(const Problem &pr, int co0, int A) {
    std::vector<float> b(size_t(kCin) * kTaps * A);
    for (int ci = 0; ci < kCin; ++ci)
        for (int m = 0; m < kTaps; ++m)
            for (int j = 0; j < A; ++j) b[(size_t(ci) * kTaps + m) * A + j] = pr.w[(size_t(ci) * kTaps + m) * kCout + co0 + j];
    return b;
}

// Form 0 (cpu_phase's `ln 0`): V vectors of 16 positions × A channels, each weight broadcast; the taps
// outside chunks of 32 input channels (the general nest's order), 4 channels unrolled.
template <int V, int A>
void form0(const Problem &pr, float *out /* [co][kL] */) {
    for (int co0 = 0; co0 < kCout; co0 += A) {
        const std::vector<float> wb = block_weights(pr, co0, A);
        for (int q0 = 0; q0 < kL; q0 += 16 * V) {
            __m512 acc[A][V];
            for (int j = 0; j < A; ++j)
                for (int v = 0; v < V; ++v) acc[j][v] = _mm512_setzero_ps();
            for (int cc = 0; cc < kCin; cc += 32) {
                for (int m = 0; m < kTaps; ++m) {
#pragma GCC unroll 4
                    for (int ci = cc; ci < cc + 32; ++ci) {
                        const float *xr = pr.row(ci) + q0 - m;
                        const float *wr = wb.data() + (size_t(ci) * kTaps + m) * A;
                        __m512 xv[V];
                        for (int v = 0; v < V; ++v) xv[v] = _mm512_loadu_ps(xr + 16 * v);
                        for (int j = 0; j < A; ++j) {
                            const __m512 b = _mm512_set1_ps(wr[j]);
                            for (int v = 0; v < V; ++v) acc[j][v] = _mm512_fmadd_ps(b, xv[v], acc[j][v]);
                        }
                    }
                }
            }
            // (the last tile may pass the row's end, 2,048 not a multiple of 48: only the row's part stored)
            alignas(64) float t[A][16 * V];
            for (int j = 0; j < A; ++j)
                for (int v = 0; v < V; ++v) _mm512_store_ps(t[j] + 16 * v, acc[j][v]);
            const int n = std::min(16 * V, kL - q0);
            for (int j = 0; j < A; ++j) std::copy(t[j], t[j] + n, out + size_t(co0 + j) * kL + q0);
        }
    }
}

// Form 1 (`ln 1`): 16 channels in the lanes × P positions, each x broadcast; TapsInside: a channel's
// three taps together, each x[i] broadcast once for the positions i + m it meets (P + 2 broadcasts and 3
// weight vectors for 3·P FMAs); otherwise the taps outside the chunks, as form 0 (P broadcasts a tap).
template <int P, bool TapsInside>
void form1(const Problem &pr, float *out) {
    for (int co0 = 0; co0 < kCout; co0 += 16) {
        const std::vector<float> wb = block_weights(pr, co0, 16);
        for (int q0 = 0; q0 < kL; q0 += P) {
            const int n = std::min(P, kL - q0);
            __m512 acc[P];
            for (int p = 0; p < P; ++p) acc[p] = _mm512_setzero_ps();
            if (TapsInside) {
                for (int ci = 0; ci < kCin; ++ci) {
                    const float *xr = pr.row(ci) + q0;
                    const float *wr = wb.data() + size_t(ci) * kTaps * 16;
                    const __m512 w0 = _mm512_loadu_ps(wr), w1 = _mm512_loadu_ps(wr + 16), w2 = _mm512_loadu_ps(wr + 32);
#pragma GCC unroll 64
                    for (int i = -2; i < P; ++i) {
                        const __m512 b = _mm512_set1_ps(xr[i]);
                        if (i >= 0) acc[i] = _mm512_fmadd_ps(b, w0, acc[i]);
                        if (i + 1 >= 0 && i + 1 < P) acc[i + 1] = _mm512_fmadd_ps(b, w1, acc[i + 1]);
                        if (i + 2 < P) acc[i + 2] = _mm512_fmadd_ps(b, w2, acc[i + 2]);
                    }
                }
            } else {
                for (int cc = 0; cc < kCin; cc += 32)
                    for (int m = 0; m < kTaps; ++m)
                        for (int ci = cc; ci < cc + 32; ++ci) {
                            const float *xr = pr.row(ci) + q0 - m;
                            const __m512 wv = _mm512_loadu_ps(wb.data() + (size_t(ci) * kTaps + m) * 16);
#pragma GCC unroll 64
                            for (int p = 0; p < P; ++p) acc[p] = _mm512_fmadd_ps(_mm512_set1_ps(xr[p]), wv, acc[p]);
                        }
            }
            // (every accumulator stored at a constant index, so that the compiler keeps them in registers)
            alignas(64) float t[P][16];
            for (int p = 0; p < P; ++p) _mm512_store_ps(t[p], acc[p]);
            for (int p = 0; p < n; ++p)
                for (int j = 0; j < 16; ++j) out[size_t(co0 + j) * kL + q0 + p] = t[p][j];
        }
    }
}

void reference(const Problem &pr, float *out) {
    for (int co = 0; co < kCout; ++co)
        for (int q = 0; q < kL; ++q) {
            double s = 0;
            for (int ci = 0; ci < kCin; ++ci)
                for (int m = 0; m < kTaps; ++m) s += double(pr.w[(size_t(ci) * kTaps + m) * kCout + co]) * pr.row(ci)[q - m];
            out[size_t(co) * kL + q] = float(s);
        }
}

float fma_peak_chains(float seed, long iters) {
    __m512 a[12];
    for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_ps(seed + i);
    const __m512 b = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k)
        for (int i = 0; i < 12; ++i) a[i] = _mm512_fmadd_ps(a[i], b, c);
    __m512 s = a[0];
    for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, a[i]);
    return _mm512_reduce_add_ps(s);
}

// Best of 5 of `threads` threads each running fn on its own problem; GFLOP/s over all of them.
double rate(int threads, const std::vector<Problem> &prs, const std::function<void(const Problem &, float *)> &fn,
            double flops_each) {
    std::vector<std::vector<float>> outs(threads, std::vector<float>(size_t(kCout) * kL));
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; ++t) ts.emplace_back([&, t] { fn(prs[t], outs[t].data()); });
        for (auto &th : ts) th.join();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return flops_each * threads / best / 1e9;
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<int> thread_counts;
    for (int i = 1; i < argc; ++i) thread_counts.push_back(std::atoi(argv[i]));
    if (thread_counts.empty()) thread_counts = {1, int(std::max(1u, std::thread::hardware_concurrency()))};
    const int most = *std::max_element(thread_counts.begin(), thread_counts.end());
    std::vector<Problem> prs(most);
    const double flops = 2.0 * kCout * kCin * kTaps * kL;

    struct Form { const char *name; std::function<void(const Problem &, float *)> fn; };
    const std::vector<Form> forms = {
        {"form0 2x8 (committed tile)", form0<2, 8>}, {"form0 4x4", form0<4, 4>},   {"form0 1x16", form0<1, 16>},
        {"form0 2x12", form0<2, 12>},                {"form0 3x8", form0<3, 8>},   {"form0 4x6", form0<4, 6>},
        {"form0 6x4", form0<6, 4>},                  {"form1 16ch x 26 taps outside", form1<26, false>},
        {"form1 16ch x 24 taps inside", form1<24, true>}, {"form1 16ch x 28 taps inside", form1<28, true>},
    };
    std::vector<float> want(size_t(kCout) * kL), got(size_t(kCout) * kL);
    reference(prs[0], want.data());
    for (const Form &f : forms) {
        std::fill(got.begin(), got.end(), NAN);
        f.fn(prs[0], got.data());
        double err = 0;
        for (size_t i = 0; i < got.size(); ++i) err = std::max(err, double(std::fabs(got[i] - want[i])));
        std::printf("%-32s max |error| %.2e%s\n", f.name, err, err < 1e-3 ? "" : "  WRONG");
    }
    for (int threads : thread_counts) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> ts;
        const long iters = 20'000'000;
        for (int t = 0; t < threads; ++t) ts.emplace_back([&, t] { volatile float r = fma_peak_chains(float(t), iters); (void)r; });
        for (auto &th : ts) th.join();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("threads %d: FMA peak (12 chains) %.1f GFLOP/s a thread\n", threads, 2.0 * 16 * 12 * iters / s / 1e9);
        for (const Form &f : forms)
            std::printf("threads %d: %-32s %7.1f GFLOP/s a thread\n", threads, f.name, rate(threads, prs, f.fn, flops) / threads);
    }
    return 0;
}
