// The library's one call path: API → validate → choose the variant → Halide call.
#include "internal.h"

#include "geometry.h"

#include "HalideRuntime.h"
#include "HalideRuntimeCuda.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace convt1d {
namespace detail {
namespace {

void on_halide_error(void *user_context, const char *msg) {
    if (user_context) {
        static_cast<CallContext *>(user_context)->error += msg;
    } else {
        std::fputs(msg, stderr);
    }
}

int acquire_cuda_context(void *, void **ctx, bool) { return cuda_driver_context(ctx); }
int release_cuda_context(void *) { return 0; }
int get_cuda_stream(void *user_context, void *, void **stream) {
    *stream = user_context ? static_cast<CallContext *>(user_context)->cuda_stream : nullptr;
    return 0;
}

// A halide_buffer_t over a caller's 3-D tensor (Halide order: l, c, b) or the bias vector.
// Its destructor gives back whatever device memory Halide attached to it during the call.
class HalideView {
public:
    // t.data is the element at position l_min of the first row: a piece of a longer row can keep
    // the coordinates of the whole.
    explicit HalideView(const ConstTensor &t, int64_t l_min = 0) {
        for (int d = 0; d < 3; ++d) {
            dim_[d] = {0, int32_t(t.shape[2 - d]), int32_t(halide_stride(t, 2 - d)), 0};
        }
        dim_[0].min = int32_t(l_min);
        init(t.data, 3);
    }
    // A vector of n elements with the given stride (0: one value broadcast to all n).
    HalideView(const float *data, int64_t n, int64_t stride) {
        dim_[0] = {0, int32_t(n), int32_t(stride), 0};
        init(data, 1);
    }
    HalideView(const HalideView &) = delete;
    HalideView &operator=(const HalideView &) = delete;
    ~HalideView() {
#if CONVT1D_HAS_CUDA
        if (wrapped_) {
            halide_cuda_detach_device_ptr(nullptr, &buf_);
            return;
        }
#endif
        if (buf_.device) halide_device_free(nullptr, &buf_);
    }

    halide_buffer_t *get() { return &buf_; }
    void mark_host_dirty() { buf_.flags |= halide_buffer_flag_host_dirty; }

    // Use `data` as a CUDA device pointer instead of host memory.
    // (A build without CUDA, -DCONVT1D_CUDA=OFF, has no CUDA runtime: never reached there, since a call
    // on device pointers needs a CUDA device, refused first; it fails rather than link Halide's.)
    int wrap_device(void *ctx) {
#if CONVT1D_HAS_CUDA
        const uint64_t ptr = reinterpret_cast<uintptr_t>(buf_.host);
        buf_.host = nullptr;
        const int rc = halide_cuda_wrap_device_ptr(ctx, &buf_, ptr);
        wrapped_ = rc == 0;
        return rc;
#else
        (void)ctx;
        return halide_error_code_no_device_interface;
#endif
    }

private:
    void init(const float *data, int dims) {
        buf_.host = reinterpret_cast<uint8_t *>(const_cast<float *>(data));
        buf_.type = halide_type_t(halide_type_float, 32);
        buf_.dimensions = dims;
        buf_.dim = dim_;
    }
    halide_dimension_t dim_[3] = {};
    halide_buffer_t buf_ = {};
    bool wrapped_ = false;
};

// The "no bias" vector on the CPU: dense zeros (on CUDA: cuda_driver_zeros, already on the device).
constexpr int64_t kZeroBias = 4096;
const float kZeros[kZeroBias] = {};

// Halide's register cap when HL_CUDA_JIT_MAX_REGISTERS is unset.
constexpr int kHalideJitRegisters = 64;

// HL_CUDA_JIT_MAX_REGISTERS as the caller had it before the library's first call: its value as a
// number (0: unset or not a number) and the text the environment holds outside first calls (the
// caller's own, else Halide's default). Written once under install_halide_hooks' call_once,
// read-only afterwards.
int g_caller_jit_cap = 0;
std::string g_jit_cap_outside = std::to_string(kHalideJitRegisters);

// The (variant, CUDA context) pairs whose module Halide has compiled. A first call holds the lock
// for its whole length with the variant's register cap in the environment, then restores it; later
// calls compile nothing and read nothing from the environment, so they run concurrently.
struct JitFirstCalls {
    std::mutex mutex;
    std::set<std::pair<PipelineFn, void *>> compiled;
};
JitFirstCalls &jit_first_calls() {
    static JitFirstCalls j;
    return j;
}

// What one Halide call computes: variant v on the output positions [l0, l0 + n) of every row, with
// the problem's parameters p. A variant other than an in-place one takes its rows from position 0:
// the piece starting at l0 is then the problem with padding + l0 (output l reads x at
// (l + padding − k·dilation) / stride), its rows starting at l0.
struct Piece {
    const VariantEntry *v;
    int64_t l0, n;
    Params p;
    bool row_end;  // the start or end of the rows beside an in-place variant's middle
};

}  // namespace

std::pair<int64_t, int64_t> interior(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w,
                                     const Tensor &out, const Params &p) {
    // (Halide's bounds query cannot place the run instead: the CUDA pipelines initialise their kernels, a
    // JIT compilation, before answering it. Halide's bounds check still refuses a run that reads outside x.)
    const int64_t S = p.stride, K = w.shape[2], block = int64_t(v.tile_l) * v.reg_l;
    const int64_t L_in = x.shape[2], L_out = out.shape[2];
    int64_t reach_back = 0, e = 0;  // the outputs [l0, e) read inside x, l0 rounded up to whole blocks
    if (v.phase_taps > 0) {
        // The general family's windows (generators/convt1d_generator.cpp): output l's planes are read at
        // x's position l / S + the phase's offset, which Halide's bounds take within [pbase − 1, pbase + 1]
        // (pbase = padding / S), and +1 where a thread's group of 4 positions wraps past a phase; the
        // planes are computed over whole groups of 4 positions, and a group g's window is the vectors
        // [g − 4, g + 4). So the outputs from l0 read from x[0] on where l0 / S + pbase − 1 >= 4, and
        // those before e read below the last whole vector of the row where e / S + pbase + 3 <= ⌊L_in / 4⌋·4.
        const int64_t pbase = p.padding / S;
        reach_back = S * (5 - pbase);
        e = std::min(L_out, S * (L_in / 4 * 4 - pbase - 3));
    } else {
        // Output l reads x at (l + padding − k·dilation) / stride for the taps k that land: within
        // [⌊(l + padding − (K − 1)·dilation) / stride⌋, ⌊(l + padding) / stride⌋], and a schedule widens
        // a thread's window by at most a 16-byte vector (4 floats) on either side to align it: the first
        // block start whose outputs read from position `slack` on, and the end of the outputs that read
        // below L_in − slack.
        const int64_t slack = 4;
        reach_back = slack * S + (K - 1) * p.dilation - p.padding;
        e = std::min(L_out, (L_in - slack) * S - p.padding);
    }
    const int64_t l0 = reach_back > 0 ? (reach_back + block - 1) / block * block : 0;
    const int64_t n = e > l0 ? (e - l0) / block * block : 0;
    return n > 0 ? std::make_pair(l0, n) : std::make_pair(int64_t(0), int64_t(0));
}

namespace {

// The Halide calls that compute the problem with variant v: v alone, or for an in-place variant
// the middle of the rows with v and their ends with the edge variant (all of a row too short).
bool pieces(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Tensor &out, const Params &p,
            Device device, std::vector<Piece> *list, std::string *why) {
    const int64_t L_out = out.shape[2];
    if (!in_place(v)) {
        *list = {{&v, 0, L_out, p, false}};
        return true;
    }
    const auto [l0, n] = interior(v, x, w, out, p);
    list->clear();
    auto edge = [&](int64_t from, int64_t count) {
        if (count == 0) return true;
        Params shifted = p;
        shifted.padding += from;
        const VariantEntry *e = edge_variant(x, w, shifted, count, device);
        if (!e) {
            *why = std::string("no variant computes the row ends beside the in-place variant ") + v.name;
            return false;
        }
        list->push_back({e, from, count, shifted, true});
        return true;
    };
    if (!edge(0, l0)) return false;
    if (n > 0) list->push_back({&v, l0, n, p, false});
    return edge(l0 + n, L_out - l0 - n);
}

// One Halide call of variant v. The first call of a variant in a CUDA context JIT-compiles its
// kernels under the variant's register cap, holding the lock of the first calls meanwhile.
int call_variant(const VariantEntry &v, CallContext *ctx, void *cu_ctx, halide_buffer_t *x, halide_buffer_t *w,
                 halide_buffer_t *bias, const Params &p, halide_buffer_t *out, const PreparedWeights *prepared) {
    std::unique_lock<std::mutex> first_call;
    if (cu_ctx) {
        JitFirstCalls &j = jit_first_calls();
        std::unique_lock<std::mutex> lock(j.mutex);
        if (!j.compiled.count({v.fn, cu_ctx})) {
            setenv("HL_CUDA_JIT_MAX_REGISTERS", std::to_string(jit_register_cap(v)).c_str(), 1);
            first_call = std::move(lock);
        }
    }
    // the closed form's phase taps (schedules/geometry.h); the other variants ignore them
    const int32_t step = tap_step(int(p.stride), int(p.dilation)), inverse = tap_inverse(int(p.stride), int(p.dilation));
    // the threads the CPU variants size their tasks by (the pool's; the GPU's ignore it)
    const int32_t threads = cu_ctx ? 1 : thread_pool_threads();
    int rc = 0;
    if (prepared && prepared->v == &v) {
        // its twin, reading the prepared weights (a fresh buffer a call: concurrent calls share none)
        halide_dimension_t dims[5];
        halide_buffer_t wp = dense_buffer(prepared->data, 5, prepared->extent, dims);
        rc = v.packed_fn(ctx, x, w, bias, int32_t(p.stride), int32_t(p.padding), int32_t(p.dilation),
                         int32_t(p.groups), step, inverse, threads, ctx->cache_bytes, &wp, out);
    } else {
        rc = v.fn(ctx, x, w, bias, int32_t(p.stride), int32_t(p.padding), int32_t(p.dilation), int32_t(p.groups),
                  step, inverse, threads, ctx->cache_bytes, out);
    }
    if (first_call.owns_lock()) {
        if (rc == 0) jit_first_calls().compiled.insert({v.fn, cu_ctx});
        setenv("HL_CUDA_JIT_MAX_REGISTERS", g_jit_cap_outside.c_str(), 1);
    }
    return rc;
}

// The Halide calls of one variant on the caller's tensors (validated already): x, w and bias are
// viewed once, so that a host tensor is copied to the device once for all the pieces.
Status invoke(const char *api, const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const float *bias,
              const Tensor &out, const Params &p, Device device, bool device_pointers, void *stream,
              int32_t cache_bytes, const PreparedWeights *prepared, bool *prepared_here) {
    install_halide_hooks();
    std::vector<Piece> calls;
    if (std::string why; !pieces(v, x, w, out, p, device, &calls, &why)) return Status::error(std::string(api) + ": " + why);
    const int64_t C_out = out.shape[1];
    void *cu_ctx = nullptr;
    if (device == Device::CUDA && cuda_driver_context(&cu_ctx) != 0) {
        return Status::error(std::string(api) + ": no CUDA context");
    }
    // "No bias" is a vector of zeros: on CUDA one kept on the device (a host vector made every call
    // copy it, a synchronous cuMemcpyHtoD of C_out floats), on the CPU a static one.
    const float *bias_data = bias;
    bool bias_on_device = device_pointers && bias;
    std::vector<float> wide_zeros;  // CPU, more than kZeroBias output channels
    if (!bias && device == Device::CUDA) {
        if (const int rc = cuda_driver_zeros(cu_ctx, C_out, &bias_data); rc != 0) {
            return Status::error(std::string(api) + ": could not allocate " + std::to_string(C_out) +
                                 " floats of device memory for the zero bias (CUresult " + std::to_string(rc) + ")");
        }
        bias_on_device = true;
    } else if (!bias) {
        if (C_out > kZeroBias) wide_zeros.assign(size_t(C_out), 0.0f);
        bias_data = C_out > kZeroBias ? wide_zeros.data() : kZeros;
    }
    HalideView hx(x), hw(w);
    HalideView hb(bias_data, C_out, 1);
    CallContext ctx;
    ctx.cuda_stream = stream;
    ctx.cache_bytes = cache_bytes;
    // On the CPU, a variant with a pack pipeline (cpu_phase) runs its twin on weights this call
    // prepares (a pass over w), as a Layer's forward runs it on the ones it prepared once: the same
    // loop nests, and where the variant gathered them inside its own pipeline, LLVM spilled the
    // grouped nest's accumulators (grouped_cpu, one thread: 3.0-3.1 ms against 1.5-2.2 through a Layer,
    // docs/NOTES.md 44 (a)).
    std::unique_ptr<float[]> own_storage;
    PreparedWeights own;
    if (device == Device::CPU && !(prepared && prepared->v == &v) && prepare_weights(v, hw.get(), p, &own_storage, &own)) {
        prepared = &own;
        if (prepared_here) *prepared_here = true;
    }

    std::vector<HalideView *> on_device, from_host;
    (device_pointers ? on_device : from_host) = {&hx, &hw};
    (bias_on_device ? on_device : from_host).push_back(&hb);
    for (HalideView *h : on_device) {
        if (h->wrap_device(&ctx) != 0) return Status::error(std::string(api) + ": " + ctx.error);
        h->get()->flags |= halide_buffer_flag_device_dirty;
    }
    if (device == Device::CUDA) {
        for (HalideView *h : from_host) h->mark_host_dirty();
    }

    // The row ends of an in-place variant run on a stream of their own, forked from the caller's
    // and joined back to it, so that their small grids fill the SMs beside the middle's kernel
    // instead of running after it (ncu run81: 3 % of kb74's call, 4 % of kb64's, 6 % of kb79's,
    // 15 % of stride4's). Halide's device allocations stay safe: its cache hands a freed buffer out
    // again only on the stream it was freed on. Host inputs are copied to the device first, on the
    // caller's stream, which the side stream then waits for.
    std::vector<std::unique_ptr<HalideView>> outs;  // each piece's output, until it is copied back
    SideStream side;  // (declared after outs: an unjoined fork is waited for before they are freed)
    CallContext side_ctx;
    const bool fork = device == Device::CUDA && calls.size() > 1;
    if (fork) {
        for (HalideView *h : from_host) {
#if CONVT1D_HAS_CUDA
            const halide_device_interface_t *cuda = halide_cuda_device_interface();
#else
            const halide_device_interface_t *cuda = nullptr;  // (never reached: device is never CUDA there)
#endif
            if (halide_copy_to_device(&ctx, h->get(), cuda) != 0) {
                return Status::error(std::string(api) + ": copying an input to the device failed: " + ctx.error);
            }
        }
        if (const int rc = SideStream::fork(stream, &side); rc != 0) {
            return Status::error(std::string(api) + ": could not start a stream for the row ends (CUresult " +
                                 std::to_string(rc) + ")");
        }
        side_ctx.cuda_stream = side.stream();
        side_ctx.cache_bytes = cache_bytes;
    }
    for (const Piece &c : calls) {
        CallContext &cc = fork && c.row_end ? side_ctx : ctx;
        Tensor piece = out;  // its rows' positions [l0, l0 + n)
        piece.data += c.l0 * out.strides[2];
        piece.shape[2] = c.n;
        // (an in-place variant's output keeps the row's coordinates; the others' padding moves instead)
        outs.push_back(std::make_unique<HalideView>(piece, in_place(*c.v) ? c.l0 : 0));
        HalideView &ho = *outs.back();
        if (device_pointers) {
            if (ho.wrap_device(&cc) != 0) return Status::error(std::string(api) + ": " + cc.error);
            ho.get()->flags |= halide_buffer_flag_device_dirty;
        }
        if (const int rc = call_variant(*c.v, &cc, cu_ctx, hx.get(), hw.get(), hb.get(), c.p, ho.get(), prepared); rc != 0) {
            return Status::error(std::string(api) + ": variant " + c.v->name + " failed (Halide error " +
                                 std::to_string(rc) + "): " + cc.error);
        }
    }
    if (fork) {
        if (const int rc = side.join(stream); rc != 0) {
            return Status::error(std::string(api) + ": could not join the row ends' stream (CUresult " +
                                 std::to_string(rc) + ")");
        }
    }
    if (device == Device::CUDA && !device_pointers) {
        // Halide copies back with a synchronous cuMemcpyDtoH on the legacy default stream, which
        // does not wait for a stream created non-blocking: the caller's stream is waited for first.
        if (stream) {
            if (const int sync = cuda_driver_sync(stream); sync != 0) {
                return Status::error(std::string(api) + ": waiting for the stream failed (CUresult " +
                                     std::to_string(sync) + ")");
            }
        }
        for (const std::unique_ptr<HalideView> &ho : outs) {
            if (const int rc = halide_copy_to_host(&ctx, ho->get()); rc != 0) {
                return Status::error(std::string(api) + ": copying the output back failed (Halide error " +
                                     std::to_string(rc) + "): " + ctx.error);
            }
        }
    }
    return Status::success();
}

// A plan's call: the variant once, or once per group on each group's slices.
Status invoke(const char *api, const Plan &plan, const ConstTensor &x, const ConstTensor &w, const float *bias,
              const Tensor &out, const Params &p, Device device, bool device_pointers, void *stream,
              int32_t cache_bytes, const PreparedWeights *prepared = nullptr, bool *prepared_here = nullptr) {
    if (!plan.per_group || p.groups == 1) {
        return invoke(api, *plan.v, x, w, bias, out, p, device, device_pointers, stream, cache_bytes, prepared,
                      prepared_here);
    }
    for (int64_t g = 0; g < p.groups; ++g) {
        const GroupSlice s = group_slice(x, w, bias, out, p, g);
        if (Status st = invoke(api, *plan.v, s.x, s.w, s.bias, s.out, s.p, device, device_pointers, stream, cache_bytes,
                               nullptr, prepared_here);
            !st) {
            return st;
        }
    }
    return Status::success();
}

}  // namespace

// Times each plan on the caller's buffers and returns the fastest, its time per call in *best_ms (the
// steps: internal.h). Back to back, because that is how a caller's later calls run: on the H100
// machine's 16 cores grouped_cpu's `cpu_phase` ran 0.14-0.19 ms a call when each call followed the
// lanes tile's, 0.30-0.32 back to back (NOTES 55 (f)). And queued, the calls of a sample not waited for
// one by one, for the same reason on the GPU: a caller's loop launches the next call while the last
// one's kernels run, so a launch-bound call costs the larger of its host time and its kernels' time,
// not their sum. Each call waited for, the tuner measured kb64_small's columns (three kernels) at
// 0.0247 ms and the one-kernel phase point at 0.0250 and kept the columns, which ran 22.5 us a call
// back to back where the phase point had run 15.2 (H100, runs 141 and 172, NOTES 60). In rounds, so
// that a slow spell of the process (its first calls: the thread pool's threads starting, pages touched
// the first time) falls on every plan alike: measured one plan after another, on this session's AMD VM
// grouped_cpu's model's first plan took the spell (0.87-1.39 ms against a steady 0.75) and 1 of 5 fresh
// processes kept the slower lanes tile (NOTES 55 (c)). Every call leaves a correct result in the output
// (the caller's data is never half-written); the caller's own call with the fastest follows, so that the
// output holds the bits later calls compute.
int tuning_queue(double call_ms) {
    if (!(call_ms > 0)) return kTuningQueueMax;
    return int(std::clamp(std::ceil(kTuningQueueMs / call_ms), 1.0, double(kTuningQueueMax)));
}

Plan fastest(const std::vector<Plan> &plans, const std::function<bool(const Plan &)> &call,
             const std::function<bool()> &finish, double *best_ms, int queue) {
    using clock = std::chrono::steady_clock;
    auto elapsed_ms = [](clock::time_point t0) {
        return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    };
    // one call waited for (finish after a failed call too: what was queued before it)
    auto once = [&](const Plan &plan) {
        const bool ok = call(plan);
        return finish() && ok;
    };
    // warm-up (module loads, allocations), then one call timed alone: the fastest sets the queue
    std::vector<Plan> live;
    double least_alone = std::numeric_limits<double>::infinity();
    for (const Plan &plan : plans) {
        if (!once(plan)) continue;
        const auto t0 = clock::now();
        if (!once(plan)) continue;
        least_alone = std::min(least_alone, elapsed_ms(t0));
        live.push_back(plan);
    }
    if (queue <= 0) queue = tuning_queue(least_alone);
    std::vector<double> least(live.size(), std::numeric_limits<double>::infinity());
    std::vector<bool> failed(live.size(), false);
    for (int r = 0; r < kTuningRounds; ++r) {
        for (size_t i = 0; i < live.size(); ++i) {
            if (failed[i] || !once(live[i])) {  // (untimed: after another plan's call)
                failed[i] = true;
                continue;
            }
            std::vector<double> ms;
            for (int c = 0; c < kTuningBlock && !failed[i]; ++c) {
                const auto t0 = clock::now();
                for (int q = 0; q < queue && !failed[i]; ++q) failed[i] = !call(live[i]);
                if (!finish()) failed[i] = true;
                if (failed[i]) break;
                ms.push_back(elapsed_ms(t0) / queue);
            }
            if (failed[i]) continue;
            std::sort(ms.begin(), ms.end());
            least[i] = std::min(least[i], ms[ms.size() / 2]);
        }
    }
    Plan best;
    for (size_t i = 0; i < live.size(); ++i) {
        if (failed[i]) continue;
        if (!best.v || least[i] < *best_ms) {
            best = live[i];
            *best_ms = least[i];
        }
    }
    return best;
}

namespace {

// A Layer's weights prepared for the plan's variant over all groups at once, or nullptr.
const PreparedWeights *prepared_for(const std::vector<PreparedWeights> *prepared, const Plan &plan, const Params &p) {
    if (!prepared || (plan.per_group && p.groups > 1)) return nullptr;
    for (const PreparedWeights &pw : *prepared) {
        if (pw.v == plan.v) return &pw;
    }
    return nullptr;
}

// The plans a first call on a new problem measures: on device pointers the first `candidates` plans the
// cost model ranks; on the CPU, where a Layer holds weights prepared for several variants, the model's
// first plan and each of those variants over all groups (the lanes tile among them, which the model does
// not rank: through a Layer on the H100 machine's 16 cores it ran grouped_cpu 1.55 times as fast as the
// model's choice, and in the suite's run 136 the other layers level to 26 % slower, NOTES 53 (f), 54); else
// none (one plan: nothing to choose between).
std::vector<Plan> tuning_candidates(const ConstTensor &x, const ConstTensor &w, const Params &p, Device device,
                                    bool device_pointers, const Plan &first, int candidates,
                                    const std::vector<PreparedWeights> *prepared) {
    std::vector<Plan> plans;
    if (device_pointers) {
        plans = ranked_plans(x, w, p, Device::CUDA);
        if (const size_t n = size_t(std::max(candidates, 1)); plans.size() > n) plans.resize(n);
    } else if (device == Device::CPU && prepared && prepared->size() > 1) {
        if (first.v) plans.push_back(first);
        for (const PreparedWeights &pw : *prepared) {
            const Plan plan{pw.v, false};
            if ((first.v == plan.v && !first.per_group) || !can_run(plan, x, w, p, device, nullptr)) continue;
            plans.push_back(plan);
        }
        if (plans.size() < 2) plans.clear();
    }
    return plans;
}

}  // namespace

Status run(const char *api, const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
           const Params &p, const Options &opt, RunInfo *info, bool device_pointers,
           const std::vector<PreparedWeights> *prepared) {
    if (Status s = validate(x, w, bias, out, p); !s) return s;
    if (Status s = validate_options(api, opt); !s) return s;

    // the device
    Device device = opt.device;
    if (device == Device::Auto) device = (device_pointers || cuda_available()) ? Device::CUDA : Device::CPU;
    if (device_pointers && device != Device::CUDA) {
        return Status::error(std::string(api) + ": device pointers need device = cuda, got " + to_string(device));
    }
    if (device == Device::CUDA && !cuda_available()) {
        return Status::error(std::string(api) + ": device = cuda, but no CUDA device is available "
                                                "(libcuda missing or no GPU)");
    }
    // (before the choice: the CPU's tuning key counts the threads)
    if (device == Device::CPU && opt.cpu_threads > 0) thread_pool_set_threads(opt.cpu_threads);
    // the L2 the CPU variants size their chunks by (the GPU's ignore it)
    const int32_t cache_bytes = opt.cpu_cache_bytes > 0 ? int32_t(std::min<int64_t>(opt.cpu_cache_bytes, INT32_MAX)) : cpu_l2_bytes();
    // one call of a plan, as run below makes it (the tuner's)
    auto call = [&](const char *who, const Plan &plan, bool *prepared_here) {
        return invoke(who, plan, x, w, bias, out, p, device, device_pointers, opt.cuda_stream, cache_bytes,
                      prepared_for(prepared, plan, p), prepared_here);
    };

    // the plan: the caller's, else the tuned one, else a new measurement, else the heuristic's
    Plan plan;
    std::string how = "explicit";
    if (!opt.variant.empty()) {
        plan = {find_variant(opt.variant), opt.per_group && p.groups > 1};
        if (!plan.v) return Status::error("variant '" + opt.variant + "' is not in this library (see variants())");
        if (std::string why; !can_run(plan, x, w, p, device, &why)) {
            return Status::error("variant " + plan_name(plan) + " " + why +
                                 "; choose another variant or let the runtime choose");
        }
    } else {
        const Choice c = choose_variant(x, w, p, device);
        plan = {find_variant(c.variant), c.per_group};
        how = c.reason;
        if (how != "tuned" && opt.autotune) {
            const std::vector<Plan> candidates =
                tuning_candidates(x, w, p, device, device_pointers, plan, opt.tune_candidates, prepared);
            double ms = 0;
            const Plan t = fastest(
                candidates, [&](const Plan &candidate) { return call("autotune", candidate, nullptr).ok; },
                [&] { return !device_pointers || synchronize(opt.cuda_stream).ok; }, &ms);
            if (t.v) {
                record_tuning(tuning_key(x, w, p, device), plan_name(t), ms);
                plan = t;
                how = "tuned";
            }
        }
        if (!plan.v) return Status::error(std::string("no variant for device ") + to_string(device) + " in this library");
    }

    bool prepared_here = false;
    if (Status s = call(api, plan, &prepared_here); !s) return s;
    if (info) {
        *info = RunInfo{plan.v->name, device, how, plan.per_group, prepared_for(prepared, plan, p) != nullptr, prepared_here};
    }
    return Status::success();
}

halide_buffer_t dense_buffer(const float *data, int n, const int32_t *extent, halide_dimension_t *dims) {
    int32_t stride = 1;
    for (int d = 0; d < n; ++d) {
        dims[d] = {0, extent[d], stride, 0};
        stride *= extent[d];
    }
    halide_buffer_t b = {};
    b.host = reinterpret_cast<uint8_t *>(const_cast<float *>(data));
    b.type = halide_type_t(halide_type_float, 32);
    b.dimensions = n;
    b.dim = dims;
    return b;
}

bool prepare_weights(const VariantEntry &v, halide_buffer_t *w, const Params &p, std::unique_ptr<float[]> *storage,
                     PreparedWeights *prepared) {
    if (v.device != Device::CPU || !v.pack_fn || !v.packed_fn) return false;
    install_halide_hooks();
    const int64_t K = w->dim[0].extent, cout_g = w->dim[1].extent, C_in = w->dim[2].extent;
    const int32_t step = tap_step(int(p.stride), int(p.dilation)), inverse = tap_inverse(int(p.stride), int(p.dilation));
    halide_dimension_t pd[5];
    auto pack = [&](const float *data, const int32_t *extent) {
        halide_buffer_t hp = dense_buffer(data, 5, extent, pd);
        CallContext ctx;
        return v.pack_fn(&ctx, w, int32_t(p.stride), int32_t(p.padding), int32_t(p.dilation), step, inverse, &hp);
    };
    // The lanes of a block, A, are the pipeline's target's (8 with AVX-512, 4 below: chosen when it
    // is first called); its output's constraint gives them, asked by a bounds query.
    const int32_t unknown[5] = {};
    if (pack(nullptr, unknown) != 0 || pd[0].extent < 1) return false;
    const int64_t A = pd[0].extent;
    const int64_t taps = (K - 1) / step + 1, blocks = (cout_g + A - 1) / A;
    const int64_t extent[5] = {A, taps, C_in, blocks, p.stride};
    __int128 count = 1;
    for (int64_t e : extent) count *= e;
    if (count > (__int128)8 * (C_in * cout_g * K) || count > std::numeric_limits<int32_t>::max()) return false;
    int32_t e32[5];
    for (int d = 0; d < 5; ++d) e32[d] = int32_t(extent[d]);
    // (not zeroed: the pipeline writes every element; where the memory is not there, the variant's own
    // pipeline is tried, which reports its allocation's failure as a Status)
    std::unique_ptr<float[]> data(new (std::nothrow) float[size_t(count)]);
    if (!data || pack(data.get(), e32) != 0) return false;
    *storage = std::move(data);
    prepared->v = &v;
    prepared->data = storage->get();
    std::copy(e32, e32 + 5, prepared->extent);
    return true;
}

int jit_register_cap(const VariantEntry &v) {
    install_halide_hooks();
    if (g_caller_jit_cap > 0) return g_caller_jit_cap;
    return v.max_regs > 0 ? v.max_regs : kHalideJitRegisters;
}

void install_halide_hooks() {
    static std::once_flag once;
    std::call_once(once, [] {
        halide_set_error_handler(on_halide_error);
        // the CPU variants' parallel loops on the library's spinning pool (runtime/src/thread_pool.cpp)
        if (const char *pool = std::getenv("CONVT1D_THREAD_POOL"); !pool || std::string(pool) != "halide") {
            thread_pool_install();
        }
#if CONVT1D_HAS_CUDA
        if (const char *cap = std::getenv("HL_CUDA_JIT_MAX_REGISTERS")) {
            g_caller_jit_cap = std::max(0, std::atoi(cap));
            g_jit_cap_outside = cap;
        }
        // The variable exists from here on, so that a first call's setenv replaces a value
        // instead of growing the environment.
        setenv("HL_CUDA_JIT_MAX_REGISTERS", g_jit_cap_outside.c_str(), /*overwrite=*/0);
        halide_set_cuda_acquire_context(acquire_cuda_context);
        halide_set_cuda_release_context(release_cuda_context);
        halide_set_cuda_get_stream(get_cuda_stream);
        // Keep freed device buffers for the next call: host-pointer calls allocate on every call.
        halide_reuse_device_allocations(nullptr, true);
#endif
    });
}

}  // namespace detail

ConstTensor contiguous(const float *data, int64_t d0, int64_t d1, int64_t d2) {
    return {data, {d0, d1, d2}, {d1 * d2, d2, 1}};
}
Tensor contiguous(float *data, int64_t d0, int64_t d1, int64_t d2) { return {data, {d0, d1, d2}, {d1 * d2, d2, 1}}; }

bool cuda_available() {
#if CONVT1D_HAS_CUDA
    return detail::cuda_driver_ready();
#else
    return false;
#endif
}

std::string cuda_device_name() { return cuda_available() ? detail::cuda_driver_device_name() : ""; }

Status conv_transpose1d(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                        const Params &p, const Options &opt, RunInfo *info) {
    return detail::run("conv_transpose1d", x, w, bias, out, p, opt, info, false);
}

Status conv_transpose1d_device(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                               const Params &p, const Options &opt, RunInfo *info) {
    return detail::run("conv_transpose1d_device", x, w, bias, out, p, opt, info, true);
}

const char *version() { return CONVT1D_VERSION; }
const char *halide_version() { return CONVT1D_HALIDE_VERSION; }

}  // namespace convt1d
