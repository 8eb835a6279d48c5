// CPU benchmark: the library's CPU variants, its runtime's choice by conv_transpose1d and through a
// Layer (weights prepared once), beside oneDNN's deconvolution (forward, direct) on the "cpu" shapes of
// shapes.csv, scaled to a 2-core machine. Outputs are checked against float64
// before timing; a contender that disagrees is reported as wrong and not timed.
// Timing: wall clock around each call, 2 warm-up calls, the median of the timed calls.
#include "common.h"

#ifdef CONVT1D_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <thread>

namespace convt1d::bench {
namespace {

using Call = std::function<std::string(std::vector<float> &out)>;

// The CPU's floors, measured at start-up on all cores: copy bandwidth (a 512 MiB copy, each thread
// its slice, the best of 5) and the FP32 FMA peak (12 independent FMA chains per thread in the widest
// vectors the CPU has, AVX-512 or AVX2, the best of 5).
double g_copy_GBps = 0, g_peak_GFLOPs = 0;
std::string g_peak_isa;

template <typename F>
double best_seconds_on_all_cores(F body) {
    const unsigned n = std::max(1u, std::thread::hardware_concurrency());
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < n; ++t) pool.emplace_back(body, t, n);
        for (auto &th : pool) th.join();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

constexpr long kFmaIters = 20'000'000;

// 12 independent chains of vector FMAs (GCC vectors, contracted to FMA instructions), inlined into a
// function built for the instruction set whose peak it measures.
typedef float Zmm __attribute__((vector_size(64)));
typedef float Ymm __attribute__((vector_size(32)));
template <typename V, int Lanes = sizeof(V) / sizeof(float)>
[[gnu::always_inline]] inline float fma_chains(float seed) {
    const V m = V{} + 0.999999f, a = V{} + 1e-7f;
    V acc[12];
    for (auto &v : acc) v = V{} + seed;
    for (long i = 0; i < kFmaIters; ++i) {
        for (auto &v : acc) v = v * m + a;
    }
    float r = 0;
    for (auto &v : acc) {
        for (int l = 0; l < Lanes; ++l) r += v[l];
    }
    return r;
}
__attribute__((target("avx512f"))) float fma_chains_avx512(float seed) { return fma_chains<Zmm>(seed); }
__attribute__((target("avx2,fma"))) float fma_chains_avx2(float seed) { return fma_chains<Ymm>(seed); }

void measure_cpu_peaks() {
    const size_t bytes = size_t(512) << 20;
    std::vector<char> src(bytes, 1), dst(bytes, 0);
    const double copy_s = best_seconds_on_all_cores([&](unsigned t, unsigned n) {
        const size_t chunk = bytes / n;
        std::memcpy(dst.data() + t * chunk, src.data() + t * chunk, chunk);
    });
    g_copy_GBps = 2.0 * double(bytes) / copy_s / 1e9;  // read + write, as the GPU's copy figure
    const bool avx512 = __builtin_cpu_supports("avx512f");
    g_peak_isa = avx512 ? "AVX-512" : "AVX2";
    std::atomic<float> sink{0};
    const double fma_s = best_seconds_on_all_cores([&](unsigned t, unsigned) {
        const float r = avx512 ? fma_chains_avx512(float(t)) : fma_chains_avx2(float(t));
        sink = sink + r;
    });
    const double lanes = avx512 ? 16 : 8;
    g_peak_GFLOPs = 2.0 * lanes * 12 * double(kFmaIters) * std::max(1u, std::thread::hardware_concurrency()) / fma_s / 1e9;
}

void run_contender(benchmark::State &state, const tools::Shape &s, const Inputs &in, const Call &call) {
    for (auto _ : state) {
        std::vector<float> out(size_t(s.B * s.C_out * s.L_out()), std::numeric_limits<float>::quiet_NaN());
        if (std::string err = call(out); !err.empty()) {
            state.SkipWithError(("not run: " + err).c_str());
            return;
        }
        const Check c = check_output(s, in, out);
        if (!c.all_written || !(c.rel_error <= kFp32Tolerance)) {
            char msg[128];
            std::snprintf(msg, sizeof msg, "wrong: relative error %.3g, %s", c.rel_error,
                          c.all_written ? "all elements written" : "unwritten elements");
            state.SkipWithError(msg);
            return;
        }
        for (int i = 0; i < 2; ++i) call(out);
        std::vector<double> ms;
        const auto start = std::chrono::steady_clock::now();
        while (ms.size() < 5 || (ms.size() < 50 && std::chrono::steady_clock::now() - start < std::chrono::seconds(2))) {
            const auto t0 = std::chrono::steady_clock::now();
            call(out);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        report(state, s, median(ms), g_copy_GBps, g_peak_GFLOPs, c);
        state.counters["reps"] = double(ms.size());
    }
}

// The runtime's own choice (variant empty) or a named CPU variant.
// (`plan`, where given, receives the plan that ran: the variant, "/per_group" where it split, and
// "/prepared_in_call" where the call prepared the weights for it, as a Layer does once)
Call halide_cpu(const tools::Shape &s, const Inputs &in, const std::string &variant = "", std::string *plan = nullptr) {
    return [&s, &in, variant, plan](std::vector<float> &out) -> std::string {
        Options o;
        o.device = Device::CPU;
        o.variant = variant;
        RunInfo info;
        const Status st = conv_transpose1d(contiguous(in.x.data(), s.B, s.C_in, s.L_in),
                                           contiguous(in.w.data(), s.C_in, s.C_out / s.p.groups, s.K), nullptr,
                                           contiguous(out.data(), s.B, s.C_out, s.L_out()), s.p, o, &info);
        if (st.ok && plan) {
            *plan = info.variant + (info.per_group ? "/per_group" : "") +
                    (info.weights_prepared_in_call ? "/prepared_in_call" : "");
        }
        return st.ok ? "" : st.message;
    };
}

// The runtime through a convt1d::Layer: the weights held and prepared once, outside the timed calls
// (as oneDNN's are reordered below, and as a framework holds a layer's parameters); each call is
// Layer::forward. (`plan` receives the plan that ran, with "/prepared" where it read the prepared weights)
Call halide_layer(const tools::Shape &s, const Inputs &in, std::string *plan) {
    Options o;
    o.device = Device::CPU;
    auto layer = std::make_shared<Layer>();
    const Status made = Layer::create(contiguous(in.w.data(), s.C_in, s.C_out / s.p.groups, s.K), nullptr, s.p, o, layer.get());
    return [&s, &in, layer, made, plan](std::vector<float> &out) -> std::string {
        if (!made.ok) return made.message;
        RunInfo info;
        const Status st = layer->forward(contiguous(in.x.data(), s.B, s.C_in, s.L_in),
                                         contiguous(out.data(), s.B, s.C_out, s.L_out()), &info);
        if (st.ok) *plan = info.variant + (info.per_group ? "/per_group" : "") + (info.prepared_weights ? "/prepared" : "");
        return st.ok ? "" : st.message;
    };
}

#ifdef CONVT1D_HAVE_ONEDNN
// oneDNN deconvolution_forward, direct algorithm. The user's data stays in PyTorch's layouts
// (ncw activations, (C_in, C_out/groups, K) weights, described by strides); the weights are
// reordered once into the layout oneDNN prefers, outside the timed call, as a framework caches it.
struct OneDnn {
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
    dnnl::deconvolution_forward prim;
    dnnl::memory src, wts, dst;

    OneDnn(const tools::Shape &s, const Inputs &in) {
        using dt = dnnl::memory::data_type;
        using tag = dnnl::memory::format_tag;
        const int64_t G = s.p.groups, icg = s.C_in / G, ocg = s.C_out / G;
        dnnl::memory::desc src_md({s.B, s.C_in, s.L_in}, dt::f32, tag::ncw);
        dnnl::memory::desc dst_md({s.B, s.C_out, s.L_out()}, dt::f32, tag::ncw);
        dnnl::memory::desc user_w = G == 1
            ? dnnl::memory::desc({s.C_out, s.C_in, s.K}, dt::f32, dnnl::memory::dims{s.K, s.C_out * s.K, 1})
            : dnnl::memory::desc({G, ocg, icg, s.K}, dt::f32, dnnl::memory::dims{icg * ocg * s.K, s.K, ocg * s.K, 1});
        dnnl::memory::desc any_w = G == 1 ? dnnl::memory::desc({s.C_out, s.C_in, s.K}, dt::f32, tag::any)
                                          : dnnl::memory::desc({G, ocg, icg, s.K}, dt::f32, tag::any);
        // oneDNN counts dilation from 0 and pads the right end explicitly.
        dnnl::deconvolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                            src_md, any_w, dst_md, {s.p.stride}, {s.p.dilation - 1}, {s.p.padding},
                                            {s.p.padding - s.p.output_padding});
        dnnl::deconvolution_forward::primitive_desc pd(d, eng);
        prim = dnnl::deconvolution_forward(pd);
        src = dnnl::memory(src_md, eng, const_cast<float *>(in.x.data()));
        dnnl::memory w_user(user_w, eng, const_cast<float *>(in.w.data()));
        wts = dnnl::memory(pd.weights_desc(), eng);
        dnnl::reorder(w_user, wts).execute(strm, w_user, wts);
        strm.wait();
        dst = dnnl::memory(dst_md, eng, nullptr);
    }
    std::string operator()(std::vector<float> &out) {
        dst.set_data_handle(out.data());
        prim.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wts}, {DNNL_ARG_DST, dst}});
        strm.wait();
        return "";
    }
};
#endif

}  // namespace
}  // namespace convt1d::bench

int main(int argc, char **argv) {
    using namespace convt1d;
    using namespace convt1d::bench;
    benchmark::Initialize(&argc, argv);
    // A tuning cache of this run's own (unless the caller names one), so that every run measures the same
    // thing: `halide_runtime` a first call's choice on a shape (the cost model's), `halide_layer` a new
    // Layer's, which its first forward measures (the library's measured choice on the CPU).
    if (const char *c = std::getenv("CONVT1D_TUNING_CACHE"); !c || !*c) {
        std::string dir = "/tmp/convt1d-bench-cpu-tuning-XXXXXX";
        if (mkdtemp(dir.data())) setenv("CONVT1D_TUNING_CACHE", (dir + "/tuning.tsv").c_str(), 1);
    }
    std::printf("tuning cache: %s\n", tuning_cache_path().c_str());
    measure_cpu_peaks();
    std::printf("measured on %u threads: copy %.1f GB/s, FP32 FMA peak %.1f GFLOP/s (%s)\n",
                std::max(1u, std::thread::hardware_concurrency()), g_copy_GBps, g_peak_GFLOPs, g_peak_isa.c_str());
    benchmark::AddCustomContext("copy_GBps", std::to_string(g_copy_GBps) + " (measured: a 512 MiB copy)");
    benchmark::AddCustomContext("fp32_peak_GFLOPs", std::to_string(g_peak_GFLOPs) + " (measured: " + g_peak_isa + " FMA chains)");
    static std::vector<tools::Shape> shapes = suite("cpu");
    static std::vector<std::unique_ptr<Inputs>> inputs;
    for (const tools::Shape &s : shapes) inputs.push_back(std::make_unique<Inputs>(s, 1234));
    for (size_t i = 0; i < shapes.size(); ++i) {
        const tools::Shape &s = shapes[i];
        const Inputs &in = *inputs[i];
        auto reg = [&](const std::string &who, std::function<Call()> make) {
            register_contender(s.name, who, [&s, &in, make](benchmark::State &st) { run_contender(st, s, in, make()); });
        };
        register_contender(s.name, "halide_runtime", [&s, &in](benchmark::State &st) {
            static std::string plan;
            run_contender(st, s, in, halide_cpu(s, in, "", &plan));
            st.SetLabel(plan);  // the summary's runtime_variant
        });
        register_contender(s.name, "halide_layer", [&s, &in](benchmark::State &st) {
            static std::string plan;
            run_contender(st, s, in, halide_layer(s, in, &plan));
            st.SetLabel(plan);
        });
        for (const VariantInfo &v : variants()) {
            if (v.device == Device::CPU) reg("halide_" + v.name, [&s, &in, n = v.name] { return halide_cpu(s, in, n); });
        }
#ifdef CONVT1D_HAVE_ONEDNN
        reg("onednn", [&s, &in]() -> Call {
            auto d = std::make_shared<OneDnn>(s, in);
            return [d](std::vector<float> &out) { return (*d)(out); };
        });
#endif
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
