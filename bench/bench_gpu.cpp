// GPU benchmark: every CUDA variant of the library, the runtime's own choice, and cuDNN
// (cudnnConvolutionBackwardData, as PyTorch calls it for ConvTranspose1d) in exact FP32 and in
// TF32, on the "gpu" shapes of shapes.csv. Each contender's output is checked against float64
// before it is timed; one that disagrees is reported as wrong and not timed.
//
// Timing: CUDA events around each call on device-resident data, 3 warm-up calls, the median of
// the timed calls (about 300 ms of them, 10 to 300), inputs and outputs rotated over several buffer sets when one set would fit in
// the 50 MB L2.
//
// Host overhead (launch-bound shapes, the `host_` contenders): what a call costs the CPU, apart from
// the GPU's time; see run_host.
#include "common.h"

#include <cuda_runtime.h>
#include <cudnn.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

namespace convt1d::bench {
namespace {

#define CUDA_OK(call)                                                                                   \
    do {                                                                                                \
        cudaError_t e_ = (call);                                                                        \
        if (e_ != cudaSuccess) throw std::runtime_error(std::string(#call) + ": " + cudaGetErrorString(e_)); \
    } while (0)
#define CUDNN_OK(call)                                                                                   \
    do {                                                                                                 \
        cudnnStatus_t s_ = (call);                                                                       \
        if (s_ != CUDNN_STATUS_SUCCESS) throw std::runtime_error(std::string(#call) + ": " + cudnnGetErrorString(s_)); \
    } while (0)

struct DevMem {
    void *p = nullptr;
    explicit DevMem(size_t bytes) { CUDA_OK(cudaMalloc(&p, bytes)); }
    ~DevMem() { cudaFree(p); }
    DevMem(const DevMem &) = delete;
    float *f() const { return static_cast<float *>(p); }
};

struct Machine {
    double copy_GBps = 0, peak_GFLOPs = 0;
    std::string name;
};

// Device-to-device copy of 1 GiB, bytes read + written, the best of 10 (the same figure the
// 3.0 TB/s of the developers' guide counts).
double measure_copy_GBps() {
    const size_t bytes = size_t(1) << 30;
    DevMem a(bytes), b(bytes);
    CUDA_OK(cudaMemset(a.p, 1, bytes));
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0), cudaEventCreate(&e1);
    double best = 0;
    for (int i = 0; i < 12; ++i) {
        cudaEventRecord(e0);
        CUDA_OK(cudaMemcpy(b.p, a.p, bytes, cudaMemcpyDeviceToDevice));
        cudaEventRecord(e1);
        cudaEventSynchronize(e1);
        float ms = 0;
        cudaEventElapsedTime(&ms, e0, e1);
        if (i >= 2) best = std::max(best, 2.0 * bytes / (ms * 1e-3) * 1e-9);
    }
    cudaEventDestroy(e0), cudaEventDestroy(e1);
    return best;
}

// Buffers of one shape: `sets` copies of x and out (rotated while timing), one w.
struct Problem {
    tools::Shape s;
    Inputs in;
    size_t nx, nw, no;
    int sets;
    std::vector<std::unique_ptr<DevMem>> x, out;
    std::unique_ptr<DevMem> w;

    explicit Problem(const tools::Shape &sh) : s(sh), in(sh, 1234) {
        nx = in.x.size(), nw = in.w.size(), no = size_t(s.B * s.C_out * s.L_out());
        const double bytes = s.bytes_once(false);
        sets = bytes < 200e6 ? std::min(16, int(200e6 / bytes) + 1) : 1;  // > 4× L2 in flight
        for (int i = 0; i < sets; ++i) {
            x.push_back(std::make_unique<DevMem>(nx * 4));
            out.push_back(std::make_unique<DevMem>(no * 4));
            CUDA_OK(cudaMemcpy(x.back()->p, in.x.data(), nx * 4, cudaMemcpyHostToDevice));
        }
        w = std::make_unique<DevMem>(nw * 4);
        CUDA_OK(cudaMemcpy(w->p, in.w.data(), nw * 4, cudaMemcpyHostToDevice));
    }
};

// One call of a contender on buffer set i; returns an error message or "".
using Call = std::function<std::string(Problem &, int set)>;

// Poison, run once, check against float64; then warm up and time the median of `reps` calls.
void run_contender(benchmark::State &state, Problem &pr, const Machine &m, const Call &call, double tolerance) {
    for (auto _ : state) {
        CUDA_OK(cudaMemset(pr.out[0]->p, 0xFF, pr.no * 4));  // NaN everywhere
        if (std::string err = call(pr, 0); !err.empty()) {
            state.SkipWithError(("not run: " + err).c_str());
            return;
        }
        CUDA_OK(cudaDeviceSynchronize());
        std::vector<float> out(pr.no);
        CUDA_OK(cudaMemcpy(out.data(), pr.out[0]->p, pr.no * 4, cudaMemcpyDeviceToHost));
        const Check c = check_output(pr.s, pr.in, out);
        if (!c.all_written || !(c.rel_error <= tolerance)) {
            char msg[160];
            std::snprintf(msg, sizeof msg, "wrong: relative error %.3g (tolerance %.0e), %s", c.rel_error, tolerance,
                          c.all_written ? "all elements written" : "unwritten elements");
            state.SkipWithError(msg);
            return;
        }
        cudaEvent_t e0, e1;
        cudaEventCreate(&e0), cudaEventCreate(&e1);
        for (int i = 0; i < 3; ++i) call(pr, i % pr.sets);
        // about 300 ms of timed calls, 10 to 300 of them, from one timed call's length
        cudaEventRecord(e0);
        call(pr, 0);
        cudaEventRecord(e1);
        cudaEventSynchronize(e1);
        float est_ms = 1;
        cudaEventElapsedTime(&est_ms, e0, e1);
        const int reps = std::max(10, std::min(300, int(300.0 / std::max(est_ms, 1e-3f))));
        std::vector<double> ms;
        for (int r = 0; r < reps; ++r) {
            cudaEventRecord(e0);
            call(pr, r % pr.sets);
            cudaEventRecord(e1);
            cudaEventSynchronize(e1);
            float t = 0;
            cudaEventElapsedTime(&t, e0, e1);
            ms.push_back(t);
        }
        CUDA_OK(cudaGetLastError());
        cudaEventDestroy(e0), cudaEventDestroy(e1);
        report(state, pr.s, median(ms), m.copy_GBps, m.peak_GFLOPs, c);
        state.counters["reps"] = reps;
    }
}

// The library's view of buffer set i of a problem.
struct Views {
    ConstTensor x, w;
    Tensor out;
};
Views views(Problem &pr, int i) {
    const tools::Shape &s = pr.s;
    return {{pr.x[i]->f(), {s.B, s.C_in, s.L_in}, {s.C_in * s.L_in, s.L_in, 1}},
            {pr.w->f(), {s.C_in, s.C_out / s.p.groups, s.K}, {(s.C_out / s.p.groups) * s.K, s.K, 1}},
            {pr.out[i]->f(), {s.B, s.C_out, s.L_out()}, {s.C_out * s.L_out(), s.L_out(), 1}}};
}

// The plan the runtime's own choice last ran (variant, "/per_group" when it split), for its label.
std::string g_runtime_plan;

Call halide_call(const std::string &variant, bool per_group = false) {
    return [variant, per_group](Problem &pr, int i) -> std::string {
        Options o;
        o.device = Device::CUDA;
        o.variant = variant;  // empty: the runtime's own choice
        o.per_group = per_group;
        const Views v = views(pr, i);
        RunInfo info;
        const Status st = conv_transpose1d_device(v.x, v.w, nullptr, v.out, pr.s.p, o, &info);
        if (st.ok && variant.empty()) g_runtime_plan = info.variant + (info.per_group ? "/per_group" : "");
        return st.ok ? "" : st.message;
    };
}

// Median wall time of f in microseconds over n calls, each followed by `after` (untimed).
template <typename F, typename G>
double host_us(int n, F &&f, G &&after) {
    std::vector<double> us;
    for (int r = 0; r < n; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        const auto t1 = std::chrono::steady_clock::now();
        after();
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    return median(us);
}

// The host side of a call, apart from the GPU's time (the issue's "measure host overhead
// separately"). The same calls are checked against float64 by their run_contender benchmark
// (halide_runtime, cudnn_fp32, cudnn_tf32), registered beside these:
//   host_us          entry to return of one call with the GPU idle (a synchronisation after each
//                    call, outside the timed span): validation, choice, runtime, launch;
//   back_to_back_us  200 calls queued back to back, then one synchronisation, per call: the cost a
//                    loop of calls sees, max(host, GPU) when the two overlap;
//   validate_us, choose_us (the runtime only): the public validate() and choose_variant() alone,
//                    the two steps a call takes before Halide's.
void run_host(benchmark::State &state, Problem &pr, const Call &call, bool runtime_parts) {
    for (auto _ : state) {
        for (int i = 0; i < 20; ++i) call(pr, i % pr.sets);  // warm-up: modules, allocations, tuning
        CUDA_OK(cudaDeviceSynchronize());
        const int n = 200;
        std::string err;
        const double host = host_us(
            n, [&] { err = call(pr, 0); }, [] { cudaDeviceSynchronize(); });
        if (!err.empty()) {
            state.SkipWithError(("not run: " + err).c_str());
            return;
        }
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < n; ++r) call(pr, r % pr.sets);
        CUDA_OK(cudaDeviceSynchronize());
        const double b2b =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
        state.SetIterationTime(host * 1e-6);
        state.counters["host_us"] = host;
        state.counters["back_to_back_us"] = b2b;
        if (runtime_parts) {
            const Views v = views(pr, 0);
            state.counters["validate_us"] = host_us(
                n, [&] { benchmark::DoNotOptimize(validate(v.x, v.w, nullptr, v.out, pr.s.p)); }, [] {});
            state.counters["choose_us"] = host_us(
                n, [&] { benchmark::DoNotOptimize(choose_variant(v.x, v.w, pr.s.p, Device::CUDA)); }, [] {});
        }
    }
}

// cuDNN as PyTorch uses it: the transposed convolution is the backward-data pass of the forward
// convolution out → x, on 2-D descriptors with H = 1.
struct Cudnn {
    cudnnHandle_t h = nullptr;
    cudnnTensorDescriptor_t dy = nullptr, dx = nullptr;
    cudnnFilterDescriptor_t wd = nullptr;
    cudnnConvolutionDescriptor_t cd = nullptr;
    cudnnConvolutionBwdDataAlgo_t algo{};
    std::unique_ptr<DevMem> ws;
    size_t ws_bytes = 0;
    std::string algo_name;

    Cudnn(Problem &pr, cudnnMathType_t math) {
        const tools::Shape &s = pr.s;
        CUDNN_OK(cudnnCreate(&h));
        CUDNN_OK(cudnnCreateTensorDescriptor(&dy));
        CUDNN_OK(cudnnCreateTensorDescriptor(&dx));
        CUDNN_OK(cudnnCreateFilterDescriptor(&wd));
        CUDNN_OK(cudnnCreateConvolutionDescriptor(&cd));
        CUDNN_OK(cudnnSetTensor4dDescriptor(dy, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, int(s.B), int(s.C_in), 1, int(s.L_in)));
        CUDNN_OK(cudnnSetTensor4dDescriptor(dx, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, int(s.B), int(s.C_out), 1,
                                            int(s.L_out())));
        CUDNN_OK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, int(s.C_in),
                                            int(s.C_out / s.p.groups), 1, int(s.K)));
        CUDNN_OK(cudnnSetConvolution2dDescriptor(cd, 0, int(s.p.padding), 1, int(s.p.stride), 1, int(s.p.dilation),
                                                 CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        CUDNN_OK(cudnnSetConvolutionGroupCount(cd, int(s.p.groups)));
        CUDNN_OK(cudnnSetConvolutionMathType(cd, math));
        cudnnConvolutionBwdDataAlgoPerf_t perf[16];
        int n = 0;
        CUDNN_OK(cudnnFindConvolutionBackwardDataAlgorithm(h, wd, dy, cd, dx, 16, &n, perf));
        for (int i = 0; i < n; ++i) {
            // the fastest that ran, in the math mode asked for (FMA: no tensor-core algorithm)
            if (perf[i].status != CUDNN_STATUS_SUCCESS) continue;
            if (math == CUDNN_FMA_MATH && perf[i].mathType != CUDNN_FMA_MATH && perf[i].mathType != CUDNN_DEFAULT_MATH)
                continue;
            algo = perf[i].algo;
            ws_bytes = perf[i].memory;
            CUDNN_OK(cudnnSetConvolutionMathType(cd, perf[i].mathType));
            algo_name = "algo " + std::to_string(int(algo)) + (perf[i].mathType == CUDNN_TENSOR_OP_MATH ? " tensor-op" : " fma");
            ws = std::make_unique<DevMem>(std::max<size_t>(ws_bytes, 4));
            return;
        }
        throw std::runtime_error("cudnnFindConvolutionBackwardDataAlgorithm: no algorithm ran in this math mode");
    }
    ~Cudnn() {
        cudnnDestroyConvolutionDescriptor(cd);
        cudnnDestroyFilterDescriptor(wd);
        cudnnDestroyTensorDescriptor(dx);
        cudnnDestroyTensorDescriptor(dy);
        cudnnDestroy(h);
    }
    std::string operator()(Problem &pr, int i) {
        const float one = 1.f, zero = 0.f;
        cudnnStatus_t st = cudnnConvolutionBackwardData(h, &one, wd, pr.w->p, dy, pr.x[i]->p, cd, algo, ws->p, ws_bytes,
                                                        &zero, dx, pr.out[i]->p);
        return st == CUDNN_STATUS_SUCCESS ? "" : cudnnGetErrorString(st);
    }
};

}  // namespace
}  // namespace convt1d::bench

int main(int argc, char **argv) {
    using namespace convt1d;
    using namespace convt1d::bench;
    benchmark::Initialize(&argc, argv);
    int ndev = 0;
    if (cudaGetDeviceCount(&ndev) != cudaSuccess || ndev == 0 || !cuda_available()) {
        std::printf("SKIPPED: no CUDA device\n");
        return 0;
    }
    static Machine m;
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    int clock_khz = 0, sms = 0;
    cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, 0);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
    m.name = prop.name;
    m.peak_GFLOPs = double(sms) * 128 /*FP32 FMA lanes per SM*/ * 2 * clock_khz * 1e3 * 1e-9;
    m.copy_GBps = measure_copy_GBps();
    benchmark::AddCustomContext("device", m.name);
    benchmark::AddCustomContext("copy_GBps", std::to_string(m.copy_GBps));
    benchmark::AddCustomContext("fp32_peak_GFLOPs", std::to_string(m.peak_GFLOPs));
    benchmark::AddCustomContext("cudnn_version", std::to_string(cudnnGetVersion()));
    benchmark::AddCustomContext("convt1d_version", version());
    benchmark::AddCustomContext("halide_version", halide_version());
    // the variants with no geometry compiled in (K, stride, dilation, padding): the general path
    std::string general;
    for (const VariantInfo &v : variants()) {
        if (v.device == Device::CUDA && v.general()) general += (general.empty() ? "" : ",") + v.name;
    }
    benchmark::AddCustomContext("general_variants", general);
    std::printf("device %s: copy %.0f GB/s (1 GiB D2D, read + write), FP32 FMA peak %.0f GFLOP/s, cuDNN %zu\n",
                m.name.c_str(), m.copy_GBps, m.peak_GFLOPs, cudnnGetVersion());

    static std::map<std::string, std::unique_ptr<Problem>> problems;
    static std::map<std::string, std::unique_ptr<Cudnn>> cudnns;
    for (const tools::Shape &s : suite("gpu")) {
        auto lazy = [s]() -> Problem & {
            if (!problems.count(s.name)) {
                problems.clear();  // one shape's buffers on the device at a time
                cudnns.clear();
                problems[s.name] = std::make_unique<Problem>(s);
            }
            return *problems[s.name];
        };
        auto reg = [&](const std::string &who, std::function<Call(Problem &)> make, double tol) {
            register_contender(s.name, who, [lazy, make, tol](benchmark::State &st) {
                Problem &pr = lazy();
                run_contender(st, pr, m, make(pr), tol);
            });
        };
        for (const VariantInfo &v : variants()) {
            if (v.device != Device::CUDA) continue;
            reg("halide_" + v.name, [n = v.name](Problem &) { return halide_call(n); }, kFp32Tolerance);
        }
        if (s.p.groups > 1) {  // and each once per group (Options::per_group)
            for (const VariantInfo &v : variants()) {
                if (v.device != Device::CUDA) continue;
                reg("halide_" + v.name + "_per_group", [n = v.name](Problem &) { return halide_call(n, true); },
                    kFp32Tolerance);
            }
        }
        // the runtime's own choice, labelled with the plan it ran
        register_contender(s.name, "halide_runtime", [lazy](benchmark::State &st) {
            Problem &pr = lazy();
            g_runtime_plan.clear();
            run_contender(st, pr, m, halide_call(""), kFp32Tolerance);
            st.SetLabel(g_runtime_plan);
        });
        auto cudnn = [name = s.name](const std::string &who, cudnnMathType_t math) {
            return [who, math, name](Problem &pr) -> Call {
                auto &c = cudnns[name + who];
                if (!c) c = std::make_unique<Cudnn>(pr, math);
                Cudnn *cp = c.get();
                return [cp](Problem &p, int i) { return (*cp)(p, i); };
            };
        };
        for (auto [who, math, tol] : {std::tuple{"cudnn_fp32", CUDNN_FMA_MATH, kFp32Tolerance},
                                      std::tuple{"cudnn_tf32", CUDNN_TENSOR_OP_MATH, kTf32Tolerance}}) {
            reg(who, cudnn(who, math), tol);
        }
        // Launch-bound shapes (under 10 µs of work at the FMA peak): the host side of a call, for
        // the runtime and both cuDNN modes.
        if (s.useful_flops() / (m.peak_GFLOPs * 1e9) < 10e-6) {
            for (auto [who, make, parts] :
                 {std::tuple{"runtime", std::function<Call(Problem &)>([](Problem &) { return halide_call(""); }), true},
                  std::tuple{"cudnn_fp32", std::function<Call(Problem &)>(cudnn("cudnn_fp32", CUDNN_FMA_MATH)), false},
                  std::tuple{"cudnn_tf32", std::function<Call(Problem &)>(cudnn("cudnn_tf32", CUDNN_TENSOR_OP_MATH)),
                             false}}) {
                register_contender(s.name, std::string("host_") + who,
                                   [lazy, make = make, parts = parts](benchmark::State &st) {
                                       Problem &pr = lazy();
                                       run_host(st, pr, make(pr), parts);
                                   });
            }
        }
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
