// A probe of cpu_phase's weights' gather alone (the convt1d_cpu_phase_pack generator: what a cpu_phase call
// does to w before its sums, and what a convt1d::Layer does once): its time on the machine it runs on, min
// and median of 31 calls, and its result checked against w itself (dilation 1). Not part of the library or
// its tests; build by hand against one target's pack object, e.g. for AVX-512 (A = 8 channels a block),
// the generator (one command)
//   build/schedules/convt1d_generator -n convt1d_cpu_phase_pack -d 0 -g convt1d_pack_weights
//     -f convt1d_cpu_phase_pack -e object,c_header -o /tmp/pk
//     target=x86-64-linux-sse41-avx-avx2-fma-f16c-avx512-avx512_skylake-user_context-no_runtime reg_co=8
// then the probe (one command)
//   g++ -O2 -std=c++17 -I/tmp/pk -I<halide>/include tools/pack_probe.cpp /tmp/pk/convt1d_cpu_phase_pack.o
//     build/libconvt1d.a -lpthread -ldl -o pack_probe
// (AVX2: the avx2 target and A = 4.) Run: ./pack_probe C_in C_out K stride padding A [threads] [fresh]
// (fresh 1: a new output buffer each call, as a pipeline's own allocation). docs/NOTES.md 64 (b).
#include "convt1d_cpu_phase_pack.h"
#include "HalideBuffer.h"
#include "HalideRuntime.h"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s C_in C_out K stride padding A [threads] [fresh]\n", argv[0]);
        return 2;
    }
    int Cin = atoi(argv[1]), Cout = atoi(argv[2]), K = atoi(argv[3]), S = atoi(argv[4]), pad = atoi(argv[5]), A = atoi(argv[6]);
    int threads = argc > 7 ? atoi(argv[7]) : 1;
    const bool fresh = argc > 8 && atoi(argv[8]);  // a new output buffer each call (as a pipeline's own allocation)
    halide_set_num_threads(threads);
    Halide::Runtime::Buffer<float> w(K, Cout, Cin);
    std::mt19937 g(1); std::uniform_real_distribution<float> d(-1, 1);
    w.for_each_value([&](float &v) { v = d(g); });
    int taps = (K - 1) / S + 1, blocks = (Cout + A - 1) / A;
    Halide::Runtime::Buffer<float> out(A, taps, Cin, blocks, S);
    std::vector<double> t;
    for (int i = 0; i < 31; ++i) {
        auto a = std::chrono::steady_clock::now();
        if (fresh) out = Halide::Runtime::Buffer<float>(A, taps, Cin, blocks, S);
        int rc = convt1d_cpu_phase_pack(nullptr, w, S, pad, 1, S, 1, out);
        auto b = std::chrono::steady_clock::now();
        if (rc) { printf("rc %d\n", rc); return 1; }
        t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    }
    // check a few values against w
    double err = 0;
    for (int p = 0; p < S; ++p) for (int m = 0; m < taps; ++m) for (int ci = 0; ci < Cin; ci += 7) for (int co = 0; co < Cout; ++co) {
        int k = ((p + pad) % S) + m * S;  // dilation 1: k_p = (p + pad) mod S
        float want = k < K ? w(k, co, ci) : 0.f;
        err = std::max(err, (double)std::abs(out(co % A, m, ci, co / A, p) - want));
    }
    std::sort(t.begin(), t.end());
    printf("min %.3f median %.3f ms, max err %g, %.1f MB\n", t[0], t[t.size() / 2], err, 4.0 * K * Cout * Cin / 1e6);
    return err == 0 ? 0 : 1;
}
