// The C++ model of cpu_phase_cl's two-taps inner loop (docs/NOTES.md 47 (c)): one vector of 8 output
// channels x P positions, x broadcast once a position and met by tap 0 there and tap 1 at the next.
// g++ -O3 -mavx2 -mfma -o mb2 cpu-lanes-loop.cpp && ./mb2 [x row pitch in floats] [positions]
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
constexpr int CI = 512;
template <int P>
__attribute__((noinline)) void formC(const float *x, long pitch, const float *w, float *out, int tiles, int off) {
    for (int t = 0; t < tiles; t++) {
        const float *xr = x + off + P * t;
        __m256 a[P];
        for (int i = 0; i < P; i++) a[i] = _mm256_setzero_ps();
        const float *wr = w;
        for (int c = 0; c < CI; c++) {
            __m256 w0 = _mm256_load_ps(wr), w1 = _mm256_load_ps(wr + 8);
            __m256 prev = _mm256_broadcast_ss(xr - 1);
            for (int i = 0; i < P; i++) {
                __m256 cur = _mm256_broadcast_ss(xr + i);
                a[i] = _mm256_fmadd_ps(w0, cur, a[i]);
                a[i] = _mm256_fmadd_ps(w1, prev, a[i]);
                prev = cur;
            }
            xr += pitch; wr += 16;
        }
        for (int i = 0; i < P; i++) _mm256_storeu_ps(out + 8 * P * t + 8 * i, a[i]);
    }
}
int main(int argc, char **argv) {
    long pitch = argc > 1 ? atol(argv[1]) : 528;
    int positions = argc > 2 ? atoi(argv[2]) : 120;
    float *x = (float *)aligned_alloc(64, sizeof(float) * pitch * CI + 4096);
    float *w = (float *)aligned_alloc(64, sizeof(float) * 16 * CI);
    float *out = (float *)aligned_alloc(64, sizeof(float) * 8 * 4096);
    for (long i = 0; i < pitch * CI + 1024; i++) x[i] = (i % 7) * 0.1f;
    for (long i = 0; i < 16 * CI; i++) w[i] = (i % 5) * 0.1f;
    for (int f = 0; f < 3; f++) {
        double best = 1e9; int P = f == 0 ? 8 : f == 1 ? 10 : 12; int tiles = positions / P;
        for (int rep = 0; rep < 7; rep++) {
            auto t0 = std::chrono::steady_clock::now();
            for (int it = 0; it < 100; it++) {
                if (P == 8) formC<8>(x, pitch, w, out, tiles, 8); else if (P == 10) formC<10>(x, pitch, w, out, tiles, 8); else formC<12>(x, pitch, w, out, tiles, 8);
            }
            double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (s < best) best = s;
        }
        double flops = 100.0 * tiles * P * CI * 2 * 8 * 2;
        printf("P %d pitch %ld positions %d: %.1f GFLOP/s\n", P, pitch, tiles * P, flops / best / 1e9);
    }
    printf("%f\n", out[5]);
}
