#include "common.h"

#include "convt1d/reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace convt1d::bench {

std::vector<tools::Shape> suite(const std::string &where) {
    // A caller's own layers (a file in shapes.csv's format) timed beside the incumbents: CONVT1D_SHAPES
    const char *own = std::getenv("CONVT1D_SHAPES");
    const std::string file = tools::shapes_file(own ? own : "");
    std::vector<tools::Shape> out;
    try {
        for (const tools::Shape &s : tools::load_shapes(file)) {
            if (s.where == where) out.push_back(s);
        }
    } catch (const std::exception &e) {  // (a missing file, a malformed row: said, not a crash)
        std::fprintf(stderr, "convt1d bench: %s\n", e.what());
        std::exit(2);
    }
    if (out.empty()) std::fprintf(stderr, "convt1d bench: no \"%s\" shapes in %s\n", where.c_str(), file.c_str());
    return out;
}

Inputs::Inputs(const tools::Shape &s, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> U(-1.f, 1.f);
    x.resize(size_t(s.B * s.C_in * s.L_in));
    w.resize(size_t(s.C_in * (s.C_out / s.p.groups) * s.K));
    for (float &e : x) e = U(rng);
    for (float &e : w) e = U(rng);
}

Check check_output(const tools::Shape &s, const Inputs &in, const std::vector<float> &out, int samples) {
    Check c;
    c.all_written = std::none_of(out.begin(), out.end(), [](float v) { return std::isnan(v); });
    const ConstTensor tx = contiguous(in.x.data(), s.B, s.C_in, s.L_in);
    const ConstTensor tw = contiguous(in.w.data(), s.C_in, s.C_out / s.p.groups, s.K);
    const int64_t L_out = s.L_out();
    std::mt19937_64 rng(99);
    std::uniform_int_distribution<int64_t> pick(0, int64_t(out.size()) - 1);
    double num = 0, den = 0;
    for (int i = 0; i < samples; ++i) {
        const int64_t e = pick(rng), l = e % L_out, co = (e / L_out) % s.C_out, b = e / (L_out * s.C_out);
        const double ref = reference::output_at(tx, tw, nullptr, s.p, b, co, l);
        const double d = double(out[size_t(e)]) - ref;
        num += d * d;
        den += ref * ref;
    }
    c.rel_error = den > 0 ? std::sqrt(num / den) : std::sqrt(num);
    if (std::isnan(c.rel_error)) c.rel_error = INFINITY;
    return c;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void register_contender(const std::string &shape, const std::string &who,
                        std::function<void(benchmark::State &)> body) {
    benchmark::RegisterBenchmark(("convt1d/" + shape + "/" + who).c_str(),
                                 [body](benchmark::State &st) {
                                     try {
                                         body(st);
                                     } catch (const std::exception &e) {
                                         st.SkipWithError(e.what());
                                     }
                                 })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
}

void report(benchmark::State &state, const tools::Shape &s, double ms, double copy_GBps, double peak_GFLOPs,
            const Check &c) {
    const double bytes = s.bytes_once(false), flops = s.useful_flops();
    const double floor_ms = std::max(bytes / (copy_GBps * 1e9), flops / (peak_GFLOPs * 1e9)) * 1e3;
    state.SetIterationTime(ms * 1e-3);
    state.counters["ms"] = ms;
    state.counters["GBps"] = bytes / (ms * 1e-3) * 1e-9;
    state.counters["GFLOPs"] = flops / (ms * 1e-3) * 1e-9;
    state.counters["floor_ms"] = floor_ms;
    state.counters["pct_of_floor"] = 100.0 * floor_ms / ms;
    state.counters["rel_error"] = c.rel_error;
}

}  // namespace convt1d::bench
