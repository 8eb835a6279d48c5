// Internals shared by the runtime's translation units; not installed.
#pragma once

#include "convt1d/convt1d.h"
#include "geometry.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

struct halide_buffer_t;
struct halide_dimension_t;

namespace convt1d::detail {

// The signature every generated variant has (Halide AOT, -user_context).
using PipelineFn = int (*)(void const *user_context, halide_buffer_t *x, halide_buffer_t *w,
                           halide_buffer_t *bias, int32_t stride, int32_t padding, int32_t dilation,
                           int32_t groups, int32_t tap_step, int32_t tap_inverse, int32_t threads,
                           int32_t cache_bytes, halide_buffer_t *out);

// A plain cpu_phase point's twin that reads its weights prepared (generator param packed_w = 1): the
// same arguments, then wpacked, the prepared weights, before out.
using PackedPipelineFn = int (*)(void const *user_context, halide_buffer_t *x, halide_buffer_t *w,
                                 halide_buffer_t *bias, int32_t stride, int32_t padding, int32_t dilation,
                                 int32_t groups, int32_t tap_step, int32_t tap_inverse, int32_t threads,
                                 int32_t cache_bytes, halide_buffer_t *wpacked, halide_buffer_t *out);
// The pipeline that prepares them (the convt1d_pack_weights generator) from w.
using PackFn = int (*)(void const *user_context, halide_buffer_t *w, int32_t stride, int32_t padding,
                       int32_t dilation, int32_t tap_step, int32_t tap_inverse, halide_buffer_t *wpacked);

struct VariantEntry {
    const char *name;
    Device device;
    int tile_l, reg_l, reg_co;
    int ungrouped;  // 1: computes groups == 1 only
    int stage_w;    // 1: the block's weights in shared memory
    int pad_x;      // 1: x zero-extended into a buffer first
    int autoscheduled;  // 1: scheduled by Halide's Anderson2021 autoscheduler
    int taps, dil;      // filter length and dilation compiled in (0: none)
    int max_regs;       // CUDA: register cap for Halide's JIT (64 = Halide's default)
    int stride;         // 0: any stride; else the one stride it computes (compiled in)
    int padding;        // -1: none; else a padding (with dil) its specialised loop nest computes
    int odd_dilation;   // 1: computes odd dilations only (with a compiled-in stride)
    int only;           // 1: computes K == taps, dilation == dil, padding, its stride (or 1), one group only
    int stage_out;      // CUDA: 1, the block's outputs pass through shared memory (coalesced stores); 2,
                        // the same in one plane per phase, each padded by 32 / stride floats
    int lanes;          // cpu_phase: 1, the tile's output channels in the vector lanes (named_only)
    int split_ci;       // cuda_phase: input channels per block (split-K; 0 = all)
    int unroll_ci;      // input channels unrolled in the inner loop
    int phase_taps;     // cuda_phase: at most this many taps a phase, dilation dividing the stride (0 = any)
    int tap_classes;    // cuda_phase, phase_taps 3: 1, the phases of three taps and of two in kernels of their own;
                        // 2, the class of three at reg_co / 2 channels a thread (schedules/schedule.h)
    int grid_chunks;    // cuda_phase with split_ci: 1, the chunks in one launch's grid (else a launch each)
    int co_first;       // CUDA: 1, the channel blocks innermost in the grid (blockIdx.x; cuda_phase: the tiles in y)
    const char *family; // the schedule family (schedules/schedule.h): cpu, cpu_phase, cuda, cuda_warp,
                        // cuda_phase, auto
    PipelineFn fn;
    PackedPipelineFn packed_fn;  // its twin with prepared weights (convt1d::Layer), or nullptr
    PackFn pack_fn;              // the pipeline that prepares them, or nullptr
};

// Weights a Layer prepared for variant v (v->pack_fn's output, what v->packed_fn reads): lanes j of
// a block, taps m, input channels ci, blocks cb, phases p, dense in that order (j innermost).
struct PreparedWeights {
    const VariantEntry *v = nullptr;
    const float *data = nullptr;
    int32_t extent[5] = {};
};

// A dense float buffer over data (nullptr: a bounds query, which fills in dims), n dimensions of the
// given extents, dimension 0 innermost; dims (n of them) must outlive it (convt1d.cpp).
halide_buffer_t dense_buffer(const float *data, int n, const int32_t *extent, halide_dimension_t *dims);

// Prepares w (a Halide buffer over the caller's weights, dimension 0 dense) for v by its pack
// pipeline into *storage (convt1d.cpp): what a Layer does once, and conv_transpose1d on the CPU in
// every call. Returns false, preparing nothing, where v has no pack pipeline, where the prepared copy
// would be more than 8 times the size of w (a stride far beyond K) or where the pipeline fails; the
// caller then runs v itself, which gathers them inside its pipeline.
bool prepare_weights(const VariantEntry &v, halide_buffer_t *w, const Params &p, std::unique_ptr<float[]> *storage,
                     PreparedWeights *prepared);

// Layer::create's checks (validate.cpp): p and w by the rules of validate_shapes that concern them.
Status validate_layer(const ConstTensor &w, const Params &p);
// The Options' own rules (validate.cpp), the error naming the API that was called.
Status validate_options(const char *api, const Options &opt);

// The library's one call path (convt1d.cpp): validate, choose the plan, run it. `prepared` (a Layer's
// weights, one set a variant, or nullptr) is used where the plan is one of their variants over all groups
// at once; on the CPU, with opt.autotune and a problem the tuning cache does not know, those variants are
// the plans a first call measures beside the model's first (a Layer's measured choice).
Status run(const char *api, const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
           const Params &p, const Options &opt, RunInfo *info, bool device_pointers,
           const std::vector<PreparedWeights> *prepared = nullptr);

// The general GPU family (cuda_phase, cuda_phase_warp: the closed form, schedules/cuda_phase.cpp):
// one phase's taps staged per block, its input channels split over blocks where split_ci > 0.
inline bool general_gpu(const VariantEntry &v) { return std::string(v.family).rfind("cuda_phase", 0) == 0; }
// The columns' form on the GPU (cuda_cols, schedules/cuda_cols.cpp): every tap's sums over the input channels
// at once, into a buffer of B × C_out·K × L_in columns, then the output from them.
inline bool gpu_cols(const VariantEntry &v) { return std::string(v.family) == "cuda_cols"; }
// (either device's: cuda_cols, cpu_cols; their work scales with x's rows, not the output piece asked for)
inline bool columns_form(const VariantEntry &v) { return gpu_cols(v) || std::string(v.family) == "cpu_cols"; }
inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
// The chunks a variant splits a group's cin_g input channels into (split_ci, the closed form: the
// generator's conv(.., u)), one launch each; 1 where it does not split.
inline int64_t input_chunks(const VariantEntry &v, int64_t cin_g) { return v.split_ci > 0 ? ceil_div(cin_g, v.split_ci) : 1; }
// The channels a thread of a tap-class variant's class of three computes: reg_co, or half of them with
// tap_classes 2 (its own tile, schedules/schedule.h); the class of two computes reg_co.
inline int class_three_channels(const VariantEntry &v) { return v.tap_classes == 2 ? v.reg_co / 2 : v.reg_co; }

// A variant that reads x in place (no zero-extension pass): one compiled for one geometry, or a
// general one with the taps a phase compiled in (phase_taps, its windows x's own vectors). It computes
// only the outputs whose reads lie inside x, the middle of each row, and another variant the ends
// (interior(), edge_variant()). It needs x's rows on 16-byte boundaries (can_run checks).
inline bool in_place(const VariantEntry &v) {
    return (v.only || (std::string(v.family) == "cuda_phase" && v.phase_taps > 0)) && !v.pad_x;
}

// A phase variant whose batch rows are folded into its planes' positions (the taps a phase compiled in and x's
// copy: one run of B × pitch slots a phase, generators/convt1d_generator.cpp), so that its tiles run across rows;
// else each row's positions are tiled alone, the rows beside the phases.
inline bool folds_rows(const VariantEntry &v) { return v.phase_taps > 0 && v.pad_x; }
// A CUDA window point with x's copy takes any dilation: the copy splits each row of x into dx = dilation /
// gcd(stride, dilation) rows by the residue of its positions, in which a phase's taps are consecutive slots
// (generators/convt1d_generator.cpp). The other window points (in place, or on the CPU) need dx = 1.
inline bool window_any_dilation(const VariantEntry &v) { return folds_rows(v) && std::string(v.family) == "cuda_phase"; }
// A folded window point's slots a batch row of x (its dx rows of the copy, folded_pitch each: schedules/geometry.h)
inline int64_t folded_row_slots(const VariantEntry &v, int64_t L_out, const Params &p) {
    const int64_t S = std::max<int64_t>(p.stride, 1), dx = window_any_dilation(v) ? tap_x_step(int(S), int(p.dilation)) : 1;
    return dx * folded_pitch((std::max<int64_t>(L_out, 1) - 1) / S, v.phase_taps, dx);
}
// A GPU block's positions along L (its threads × the positions a thread holds).
inline int64_t block_positions(const VariantEntry &v) { return int64_t(std::max(v.tile_l, 32)) * std::max(v.reg_l, 1); }

// The stride a Halide buffer over dimension d (PyTorch order) of t has: the caller's, except for a
// dimension of extent 1, which is never stepped and gets the dense stride (1 innermost).
inline int64_t halide_stride(const ConstTensor &t, int d) {
    if (t.shape[d] != 1) return t.strides[d];
    return d == 2 ? 1 : halide_stride(t, d + 1) * t.shape[d + 1];
}

// Shared memory one block of the variant needs for this problem, in bytes. A kernel gets 48 KiB
// without opting in; the library's launches opt in to what the device allows (cuda_driver.cpp; 227
// KiB on the H100 and H200), and shared_limit() is that on device 0, less 1 KiB for Halide's own
// rounding (47 KiB where no device is found; defined in cuda_driver.cpp).
int64_t shared_bytes(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p);
constexpr int64_t kSharedDefault = 48 * 1024;
constexpr int64_t kMaxGridYZ = 65535;  // CUDA's blocks in a grid's y and z
int64_t shared_limit();

// A variant the cost model does not rank (a caller names it, or a measurement takes it): the
// autoscheduler's reference point, and cpu_phase with its channels in the lanes, which measured
// faster than cpu_phase on some layers and slower on others, with nothing in the problem's figures to
// tell them apart (docs/NOTES.md 47, 53 (f)): a CPU Layer's first forward measures it (convt1d.cpp).
inline bool named_only(const VariantEntry &v) { return v.autoscheduled || v.lanes; }
// Whether a variant sums a zero weight in slots past a phase's last tap on this problem — 0 · x, so that
// an inf or a NaN in x makes NaN an output PyTorch computes finite: the CPU's tested form (cpu) and the
// CUDA families where K passes the step between a phase's taps and is not a multiple of it, a CUDA
// window of phase_taps a phase past the layer's taps. The closed form on the CPU (cpu_phase, its windows
// too) sums each phase's own taps (the generator's own_tap). The CPU's ranking leaves such a plan out.
bool zero_slots(const VariantEntry &v, int64_t K, const Params &p);
// Whether a variant can run this problem on device d; if not, why (for the error message).
bool can_run(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p, Device d,
             std::string *why);

// What runs a problem: a variant, once over all groups or once per group (Options::per_group).
struct Plan {
    const VariantEntry *v = nullptr;
    bool per_group = false;
};
// Its name in the tuning cache and in messages: the variant's, with "/per_group" when it splits.
std::string plan_name(const Plan &plan);
// The plan a name stands for; v is nullptr when the name is not one of this library's.
Plan parse_plan(const std::string &name);

// A first call's measurement (runtime/src/convt1d.cpp): `call` runs a plan once and may return before
// its work is done (a GPU call on device pointers, queued on the caller's stream); `finish` waits for
// every call made so far (the stream's synchronisation; on the CPU nothing). Each plan warmed up by one
// call and then timed by one more (call and finish), which sets how many calls a timed sample queues
// (tuning_queue, from the fastest plan's); then kTuningRounds rounds in which each plan in turn runs
// one untimed call and kTuningBlock timed samples, each that many calls queued and one finish, a
// sample's time per call; the plan whose least round median is least (in *best_ms, per call), or none
// where every plan failed a call.
inline constexpr int kTuningRounds = 2;
inline constexpr int kTuningBlock = 5;
// A sample queues kTuningQueueMs of the fastest plan's calls, 1 to kTuningQueueMax of them: a call of
// 0.2 ms or more is timed alone, as before; a launch-bound one (0.02 ms) 8 at a time.
inline constexpr double kTuningQueueMs = 0.2;
inline constexpr int kTuningQueueMax = 8;
int tuning_queue(double call_ms);
// (queue > 0: that many calls a sample, not tuning_queue's; for the tests' stand-in plans)
Plan fastest(const std::vector<Plan> &plans, const std::function<bool(const Plan &)> &call,
             const std::function<bool()> &finish, double *best_ms, int queue = 0);

// The problem of one group alone: its slices of x, w, bias and out (views into the caller's
// memory, with the caller's strides), and groups = 1.
struct GroupSlice {
    ConstTensor x, w;
    const float *bias;
    Tensor out;
    Params p;
};
GroupSlice group_slice(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                       const Params &p, int64_t g);
// The shapes of one group's problem (every group has the same), for choosing a variant: no data.
GroupSlice group_shapes(const ConstTensor &x, const ConstTensor &w, const Params &p);

// can_run for a plan: a per-group plan asks it of one group's problem (every group has the same shape).
bool can_run(const Plan &plan, const ConstTensor &x, const ConstTensor &w, const Params &p, Device d,
             std::string *why);

// For an in-place variant: the longest run {l0, n} of whole blocks (tile_l · reg_l positions) of
// output positions whose reads lie inside x with a vector to spare at either end ({0, 0}: none, as
// for a row shorter than a few blocks).
std::pair<int64_t, int64_t> interior(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w,
                                     const Tensor &out, const Params &p);

// The cost model (model.cpp): a variant's or a plan's estimated time on a problem, in seconds, from
// the problem's figures and the variant's knobs. The untuned choice is the plan it ranks first; the
// tuner measures the first few.
double model_seconds(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p);
double model_seconds(const Plan &plan, const ConstTensor &x, const ConstTensor &w, const Params &p);
// Every plan that can run the problem on device d (every variant once over all groups, and with
// groups > 1 once per group; not the autoscheduled reference), fastest first by the model.
// seconds, where given, receives each plan's estimate in the same order.
std::vector<Plan> ranked_plans(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d,
                               bool allow_in_place = true, std::vector<double> *seconds = nullptr);

// The variant that computes the ends of the rows for an in-place variant, `count` output positions of
// each row: the model's first among the others that can run the problem, ranked on a piece of that
// size (a row end is launch-bound: a kernel more costs more than its work).
const VariantEntry *edge_variant(const ConstTensor &x, const ConstTensor &w, const Params &p, int64_t count,
                                 Device d);

// Every variant of the generated table, in list order.
std::vector<const VariantEntry *> all_variants();

// The generated table (variants.inc) and lookups over it.
const VariantEntry *find_variant(const std::string &name);

// What Halide's runtime is given as user_context on every call: where the error text goes and
// which stream the CUDA work is queued on.
struct CallContext {
    void *cuda_stream = nullptr;
    int32_t cache_bytes = 0;  // what the CPU variants size their chunks by (Options::cpu_cache_bytes)
    std::string error;
};

// Installs the Halide runtime hooks (error handler; CUDA context and stream from CallContext)
// once per process. Thread-safe.
void install_halide_hooks();

// The CPU variants' parallel loops (runtime/src/thread_pool.cpp): thread_pool_install makes Halide's
// runtime run them on the library's pool, whose idle workers spin for a while before they sleep;
// thread_pool_set_threads sets how many threads (the caller's included) a loop uses, on this pool and
// on Halide's (default: HL_NUM_THREADS, else the cores).
void thread_pool_install();
void thread_pool_set_threads(int n);
// How many threads a loop uses now (what the CPU variants size their tasks by).
int thread_pool_threads();
// A core's L2 cache in bytes as the C library reports it (sysconf; read once), 0 where it does not:
// what the CPU variants size their chunks by unless Options::cpu_cache_bytes says otherwise.
int32_t cpu_l2_bytes();
// The pool's halide_do_par_for, for the tests: task(user_context, i, closure) for i in [min, min + size).
int thread_pool_par_for(void *user_context, int (*task)(void *, int, uint8_t *), int min, int size, uint8_t *closure);

// Halide's CUDA runtime JIT-compiles a pipeline's PTX on the pipeline's first call in a context,
// with the register cap it reads from HL_CUDA_JIT_MAX_REGISTERS then (64 when unset). The cap a
// variant's first call runs under: the caller's own setting when the process started with one,
// else the variant's max_regs.
int jit_register_cap(const VariantEntry &v);

// libcuda through dlopen: nothing links against it, so a machine without it still runs the CPU.
bool cuda_driver_ready();
std::string cuda_driver_device_name();
// The tuning cache (tuning.cpp).
std::string tuning_cache_path();
std::string tuning_key(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d);
bool tuned_variant(const std::string &key, std::string *variant);
void record_tuning(const std::string &key, const std::string &variant, double ms);

// The context CUDA work runs in: the caller's current context if any, else device 0's primary.
int cuda_driver_context(void **ctx);
// At least n zero floats in device memory of ctx, the context CUDA work runs in (as the caller got
// it from cuda_driver_context), for the "no bias" vector: allocated on the first call that needs them
// in that context and kept for the process (kernels queued on any stream may still read them), so
// that a call copies nothing.
int cuda_driver_zeros(void *ctx, int64_t n, const float **ptr);
// Plain memory operations in that context; each returns a CUresult (0 = success).
int cuda_driver_alloc(void **ptr, size_t bytes);
int cuda_driver_free(void *ptr);
int cuda_driver_copy(void *dst, const void *src, size_t bytes, bool to_device);
int cuda_driver_sync(void *stream);
int cuda_driver_stream_create(void **stream);
int cuda_driver_stream_destroy(void *stream);

// A stream of the library's own beside the caller's `main` one (one per CUDA context, kept for the
// process), for work that may run alongside main's: fork() makes its further work wait for what
// main has queued so far (main's producers of the inputs), join() makes main wait for what it has
// queued so far; one never joined (a call that failed half-way) is synchronised when it is destroyed.
// Each returns a CUresult (0 = success).
class SideStream {
public:
    SideStream() = default;
    SideStream(SideStream &&o) noexcept { *this = std::move(o); }
    SideStream &operator=(SideStream &&o) noexcept;
    SideStream(const SideStream &) = delete;
    SideStream &operator=(const SideStream &) = delete;
    ~SideStream();

    static int fork(void *main, SideStream *out);
    int join(void *main);
    void *stream() const { return stream_; }

private:
    void *stream_ = nullptr, *forked_ = nullptr, *joined_ = nullptr;
    bool is_joined_ = false;
};

}  // namespace convt1d::detail
