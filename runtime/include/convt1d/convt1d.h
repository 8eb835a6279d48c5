// halide-convt1d: PyTorch's ConvTranspose1d forward (float32), from AOT-compiled Halide pipelines.
//
//   #include <convt1d/convt1d.h>
//   convt1d::Params p;  p.stride = 2;  p.padding = 1;  p.dilation = 2;
//   const int64_t L_out = convt1d::output_length(L_in, K, p);
//   auto st = convt1d::conv_transpose1d(
//       convt1d::contiguous(x, B, C_in, L_in), convt1d::contiguous(w, C_in, C_out / p.groups, K),
//       bias /* or nullptr */, convt1d::contiguous(out, B, C_out, L_out), p);
//   if (!st) std::cerr << st.message << "\n";
//
// Tensors are described as PyTorch describes them: shape and strides in elements, outermost first
// (x: B × C_in × L_in, w: C_in × C_out/groups × K, out: B × C_out × L_out). The innermost stride
// must be 1. Every call validates all of its arguments before any work and writes nothing to `out`
// when it fails; the returned Status names the argument and the rule it broke.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace convt1d {

// A read-only 3-D tensor: PyTorch order (outermost first), strides in elements.
struct ConstTensor {
    const float *data = nullptr;
    std::array<int64_t, 3> shape{};
    std::array<int64_t, 3> strides{};
};

// A writable 3-D tensor (the output); usable wherever a read-only one is asked for.
struct Tensor {
    float *data = nullptr;
    std::array<int64_t, 3> shape{};
    std::array<int64_t, 3> strides{};
    operator ConstTensor() const { return {data, shape, strides}; }
};

// Row-major (contiguous) views, like a contiguous torch.Tensor of that shape.
ConstTensor contiguous(const float *data, int64_t d0, int64_t d1, int64_t d2);
Tensor contiguous(float *data, int64_t d0, int64_t d1, int64_t d2);

// torch.nn.ConvTranspose1d's hyper-parameters.
struct Params {
    int64_t stride = 1;
    int64_t padding = 0;
    int64_t output_padding = 0;
    int64_t dilation = 1;
    int64_t groups = 1;
};

// L_out = (L_in − 1)·stride − 2·padding + dilation·(K − 1) + output_padding + 1
int64_t output_length(int64_t L_in, int64_t K, const Params &p);

enum class Device { Auto, CPU, CUDA };
const char *to_string(Device d);

struct Options {
    Device device = Device::Auto;  // Auto: CUDA when a device is present, else CPU
    std::string variant;           // empty: the runtime chooses; else a name from variants()
    void *cuda_stream = nullptr;   // CUstream for conv_transpose1d_device (nullptr: legacy stream)
    // conv_transpose1d_device on a problem the tuning cache does not know: time the tune_candidates
    // plans the cost model ranks first (rank_plans) on the caller's buffers (a warm-up and a lone call
    // each, then two rounds in which each plan runs an untimed call and 5 timed samples of 1 to 8 calls
    // queued back to back on the stream, as many as take 0.2 ms of the fastest plan's lone call, and
    // waited for once; the least of its rounds' medians a call), run the fastest, and remember it in
    // the cache (file: $CONVT1D_TUNING_CACHE, default ~/.cache/convt1d/tuning.tsv). A CPU Layer's
    // forward does the same with the model's first plan and the variants it prepared weights for (see
    // Layer). The first call of a shape then takes longer, as with cuDNN's benchmark mode; later calls
    // and later processes reuse the choice.
    // false: the cached choice if any, else the model's first.
    bool autotune = true;
    int tune_candidates = 4;  // how many of the model's first plans a first call measures (>= 1)
    // With groups > 1: run `variant` once per group, each group an independent convolution of
    // C_in/groups to C_out/groups channels on its slices of x, w, bias and out (so a variant that
    // computes groups == 1 only can run it). Applies to a named variant; the runtime's own choice
    // says itself whether it splits (RunInfo::per_group).
    bool per_group = false;
    // CPU: the threads a parallel loop uses (> 0, the calling thread included), on the library's pool
    // (and Halide's, which it falls back to), which the library's CPU calls share; 0 leaves the pools
    // as they are (their size: HL_NUM_THREADS, else the machine's cores). Results do not depend on it.
    int cpu_threads = 0;
    // CPU: the L2 cache of one core, in bytes (> 0), that the CPU variants size their chunks of output
    // positions by (a chunk's rows of x and a block's weights in half of it); 0: the machine's, as the
    // C library reports it (sysconf), else the chunks' fixed caps. Results do not depend on it.
    int64_t cpu_cache_bytes = 0;
};

// What a call did.
struct RunInfo {
    std::string variant;       // the variant that ran (an in-place one: beside the variant the runtime
                               // chose for the row ends, see VariantInfo::pad_x)
    Device device = Device::CPU;
    std::string choice;        // "explicit", "heuristic" or "tuned"
    bool per_group = false;    // the variant ran once per group (see Options::per_group)
    bool prepared_weights = false;  // Layer::forward: it read the weights the Layer prepared (see Layer)
    bool weights_prepared_in_call = false;  // the call prepared the weights for its variant itself (a pass
                                            // over w, on the CPU) and read them as a Layer's are read
};

struct Status {
    bool ok = true;
    std::string message;  // empty when ok
    explicit operator bool() const { return ok; }
    static Status success() { return {}; }
    static Status error(std::string m) { return {false, std::move(m)}; }
};

// Host pointers: on CUDA the data is copied to the device and the result back; on the CPU it is
// computed in place. `bias` may be nullptr; otherwise it holds C_out contiguous floats.
Status conv_transpose1d(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                        const Params &p, const Options &opt = {}, RunInfo *info = nullptr);

// Device pointers the caller owns (cudaMalloc'd in the current or primary context of device 0):
// no copies; the work is queued on opt.cuda_stream and the call returns without synchronising.
Status conv_transpose1d_device(const ConstTensor &x, const ConstTensor &w, const float *bias,
                               const Tensor &out, const Params &p, const Options &opt = {},
                               RunInfo *info = nullptr);

// A layer's weights and bias held for many calls, as a framework holds a layer's parameters: a model's
// inference calls one layer again and again with the same weights. On the CPU they are prepared once
// for the general CPU variants (cpu_phase and its lanes tile cpu_phase_cl), gathered into the order
// their loops read them, a pass over w that every conv_transpose1d call otherwise makes (up to a quarter
// of a vocoder layer's call). forward(x, out) is conv_transpose1d(x, w, bias, out, p, opt) with the held
// weights (host pointers; the same choice of variant and the same result, bit for bit); where the
// runtime runs another plan (a GPU, another variant, the groups once each) it passes the held weights
// as they are. On the CPU with opt.autotune, the first forward of a problem the tuning cache does not
// know measures the model's first plan and the prepared variants (as Options::autotune says), runs
// the fastest and records it, which later forwards and conv_transpose1d calls then run.
// Copyable (the copies share the held weights) and safe to call from several threads at once.
class Layer {
public:
    Layer() = default;  // holds nothing: forward fails until create has filled it
    // Copies w (C_in × C_out/groups × K, any strides) and bias (C_out floats, or nullptr), after
    // checking them and p by the rules of validate_shapes that concern them; opt is kept for forward.
    // The weights are prepared where opt's device is the CPU (or Auto on a machine without a GPU) and
    // the prepared copy is at most 8 times the size of w (strides far beyond K have phases without
    // taps: then forward gathers in every call, as conv_transpose1d does).
    static Status create(const ConstTensor &w, const float *bias, const Params &p, const Options &opt, Layer *out);
    Status forward(const ConstTensor &x, const Tensor &out, RunInfo *info = nullptr) const;

    bool prepared() const;  // whether create prepared the weights (RunInfo::prepared_weights: whether a call read them)
    ConstTensor weights() const;  // the held copy of w, contiguous
    const Params &params() const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

// Checks every argument as both calls do, without running anything: first every rule of
// validate_shapes, then the data's (pointers not null, out not overlapping an input).
Status validate(const ConstTensor &x, const ConstTensor &w, const float *bias, const Tensor &out,
                const Params &p);
// The rules that read no data pointer — parameters, sizes, strides, the output's shape, 32-bit
// indexing — for a caller that checks a problem before allocating its tensors (data may be null).
Status validate_shapes(const ConstTensor &x, const ConstTensor &w, const Tensor &out, const Params &p);

struct VariantInfo {
    std::string name;
    Device device;
    int tile_l;  // CUDA: threads per block along L; CPU: vector block
    int reg_l;   // consecutive output positions per thread (CUDA)
    int reg_co;  // output channels per thread (CUDA) / per register tile (CPU)
    bool ungrouped;  // computes groups == 1 only (a grouped problem is refused with a message)
    bool stage_w;    // weights staged in shared memory (refused where they do not fit)
    bool pad_x;      // x zero-extended into a buffer first (one more pass over x); a variant with
                     // `only` and not pad_x reads x in place (its rows on 16-byte boundaries, else
                     // refused): it computes the middle of each row, another variant the ends
    bool autoscheduled;  // scheduled by Halide's Anderson2021 autoscheduler for kb74; its tiles are
                         // not guarded, so smaller problems are refused by Halide's bounds checks
    int taps;      // a filter length compiled in (0: none): problems with K == taps, dilation == dil,
    int dil;       // stride 1 and one group run an unrolled tap loop; any other runs the generic one
    int max_regs;  // CUDA: registers per thread its kernels are JIT-compiled with (Halide's default
                   // is 64; HL_CUDA_JIT_MAX_REGISTERS set before the process starts overrides it)
    int stride;    // 0: any stride; else the one stride it computes, compiled in (its tiles whole phases);
                   // other strides are refused with a message
    int padding;   // -1: none; else a padding compiled in, with dilation `dil`, for a stride variant:
                   // problems with both (one group) run a specialised loop nest, others the generic one
    bool odd_dilation;  // computes odd dilations only (a stride variant whose phases each have one
                        // landing tap residue); even dilations are refused with a message
    bool only;  // computes only K == taps, dilation == dil, padding == padding, its stride (1 where none
                // is compiled in) and one group (compiled into its math); others refused with a message
    int stage_out;  // CUDA: 0, or the block's outputs pass through shared memory, stored to out along
                    // consecutive positions (refused where they and the weights do not fit): 1 in
                    // position order, 2 in one plane per phase (a stride variant); it computes
                    // C_out >= reg_co only (its last channel block is shifted inwards), fewer refused.
    bool lanes = false;  // cpu_phase: the tile's output channels in the vector lanes, x broadcast
                         // (the runtime's ranking leaves it out: named, or a CPU Layer's measured
                         // choice); false: its positions
    int split_ci = 0;    // cuda_phase: input channels per block (the reduction split over the grid, the
                         // partial sums added by the output's kernel); 0 = all in one block
    int phase_taps = 0;  // cuda_phase: computes problems whose phases have at most phase_taps taps and
                         // whose dilation divides the stride (x's tap step 1: K <= phase_taps·stride at
                         // dilation 1), reading x as aligned vectors; others refused with a message.
                         // 0 = any. None of K, stride, dilation or padding is compiled in.
    bool tap_classes = false;  // cuda_phase with phase_taps 3: the phases in two kernels by their taps, those
                               // with three and those with two (or fewer), each summing its own slots only
    bool grid_chunks = false;  // cuda_phase with split_ci: the chunks launched as one grid (else a launch each)
    std::string family;  // schedule family: cpu, cpu_phase, cpu_cols (the columns: few output channels),
                         // cuda, cuda_warp, cuda_phase (the general GPU family: every geometry at run
                         // time), cuda_cols (the columns on the GPU: few output channels), auto

    // Nothing of the layer's geometry (K, stride, dilation, padding) compiled in: the general path.
    bool general() const { return taps == 0 && stride == 0 && padding < 0 && !only && !odd_dilation && !autoscheduled; }

    // Reads x in place (`only`, or a cuda_phase variant with phase_taps, without pad_x): x's rows on
    // 16-byte boundaries, the row ends computed by another variant.
    bool in_place() const { return (only || (family == "cuda_phase" && phase_taps > 0)) && !pad_x; }
    // A window point (phase_taps) that copies x (pad_x) on the GPU takes any dilation: its copy splits x's rows
    // by the residue of the taps' step in x. The other window points need the dilation to divide the stride.
    bool window_any_dilation() const { return family == "cuda_phase" && phase_taps > 0 && pad_x; }
};
// Every schedule variant compiled into this library (from schedules/variants.cmake).
const std::vector<VariantInfo> &variants();

// True when libcuda loads and reports at least one device (never throws, never aborts).
bool cuda_available();
// The name of CUDA device 0, or "" without one.
std::string cuda_device_name();

// The variant the runtime would run for this problem on this device, and why.
struct Choice {
    std::string variant;
    std::string reason;      // "heuristic" or "tuned"
    bool per_group = false;  // run once per group (see Options::per_group)
};
// The path of the tuning cache file this process uses.
std::string tuning_cache_path();
Choice choose_variant(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d);
// The untuned choice's cost model: every plan that can run the problem on device d with its
// estimated time, fastest first (the heuristic takes the first; a first device-pointer call measures
// the first Options::tune_candidates). Shapes only: no data is read.
struct RankedPlan {
    std::string variant;
    bool per_group = false;
    double estimated_ms = 0;
};
std::vector<RankedPlan> rank_plans(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d);

// Device memory owned by the caller, for conv_transpose1d_device (RAII: freed on destruction).
// Works through libcuda loaded at run time; every method reports failure through a Status.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    static Status allocate(size_t count, DeviceBuffer *out);  // count floats
    DeviceBuffer(DeviceBuffer &&other) noexcept;
    DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
    DeviceBuffer(const DeviceBuffer &) = delete;
    DeviceBuffer &operator=(const DeviceBuffer &) = delete;
    ~DeviceBuffer();

    float *data() const { return ptr_; }
    size_t size() const { return count_; }
    Status upload(const float *host, size_t count);   // host → device, synchronous
    Status download(float *host, size_t count) const;  // device → host, synchronous

private:
    float *ptr_ = nullptr;
    size_t count_ = 0;
};
// A CUDA stream of the library's context (RAII: destroyed with the object), for callers without
// the CUDA runtime of their own; pass get() as Options::cuda_stream.
class Stream {
public:
    Stream() = default;
    static Status create(Stream *out);
    Stream(Stream &&other) noexcept : s_(other.s_) { other.s_ = nullptr; }
    Stream &operator=(Stream &&other) noexcept;
    Stream(const Stream &) = delete;
    Stream &operator=(const Stream &) = delete;
    ~Stream();
    void *get() const { return s_; }

private:
    void *s_ = nullptr;
};

// Waits for the work queued on a stream (nullptr: the legacy default stream) to finish.
Status synchronize(void *cuda_stream = nullptr);

const char *version();         // library version
const char *halide_version();  // Halide the variants were compiled with

}  // namespace convt1d
