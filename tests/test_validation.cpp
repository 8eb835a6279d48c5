// Bad input: each rule has a test that the call fails with its message and leaves out untouched.
#include "test_util.h"

#include "internal.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <thread>

namespace convt1d::test {
namespace {

constexpr float kSentinel = 7.0f;

// A valid problem (B 2, C_in 4, C_out 6, K 3, L_in 10, stride 2, padding 1, dilation 2, groups 2)
// that each test breaks in one way.
struct Valid {
    std::vector<float> x = std::vector<float>(2 * 4 * 10, 0.25f), w = std::vector<float>(4 * 3 * 3, 0.5f),
                       bias = std::vector<float>(6, 1.0f), out;
    Params p;
    ConstTensor tx, tw;
    Tensor to;
    const float *b = nullptr;
    Valid() {
        p.stride = 2, p.padding = 1, p.dilation = 2, p.groups = 2;
        const int64_t L_out = output_length(10, 3, p);  // 18 - 2 + 4 + 1 = 21
        out.assign(size_t(2 * 6 * L_out), kSentinel);
        tx = contiguous(x.data(), 2, 4, 10);
        tw = contiguous(w.data(), 4, 3, 3);
        to = contiguous(out.data(), 2, 6, L_out);
        b = bias.data();
    }
    Status run(Device d = Device::Auto) {
        Options o;
        o.device = d;
        return conv_transpose1d(tx, tw, b, to, p, o);
    }
    bool untouched() const {
        for (float v : out) {
            if (v != kSentinel) return false;
        }
        return true;
    }
};

struct Rule {
    const char *name;
    std::function<void(Valid &)> breaks;
    const char *message;  // a substring the error must contain
};

class BadInput : public ::testing::TestWithParam<Rule> {};

TEST_P(BadInput, FailsWithItsMessageAndWritesNothing) {
    const Rule &r = GetParam();
    Valid v;
    ASSERT_TRUE(validate(v.tx, v.tw, v.b, v.to, v.p).ok) << "the base problem must be valid";
    r.breaks(v);
    const Status st = v.run(Device::CPU);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find(r.message), std::string::npos) << "message was: " << st.message;
    if (v.to.data == v.out.data()) {
        EXPECT_TRUE(v.untouched()) << "the output was written although the call failed";
    }
    // validate() alone gives the same verdict as the call.
    const Status sv = validate(v.tx, v.tw, v.b, v.to, v.p);
    EXPECT_EQ(sv.message, st.message);
}

const Rule kRules[] = {
    {"StrideZero", [](Valid &v) { v.p.stride = 0; }, "stride must be >= 1, got 0"},
    {"DilationZero", [](Valid &v) { v.p.dilation = 0; }, "dilation must be >= 1, got 0"},
    {"PaddingNegative", [](Valid &v) { v.p.padding = -1; }, "padding must be >= 0, got -1"},
    {"OutputPaddingNegative", [](Valid &v) { v.p.output_padding = -2; }, "output_padding must be >= 0, got -2"},
    {"GroupsZero", [](Valid &v) { v.p.groups = 0; }, "groups must be >= 1, got 0"},
    {"OutputPaddingTooLarge", [](Valid &v) { v.p.output_padding = 2; },
     "output padding must be smaller than either stride or dilation, but got output_padding: 2, stride: 2, "
     "dilation: 2"},
    {"StrideHuge", [](Valid &v) { v.p.stride = int64_t(1) << 40; }, "must each be <= 2^31-1"},
    {"NullX", [](Valid &v) { v.tx.data = nullptr; }, "x: data is a null pointer"},
    {"NullW", [](Valid &v) { v.tw.data = nullptr; }, "w: data is a null pointer"},
    {"NullOut", [](Valid &v) { v.to.data = nullptr; }, "out: data is a null pointer"},
    {"EmptyBatch", [](Valid &v) { v.tx.shape[0] = 0; }, "x.shape[0] (batch) must be >= 1, got 0"},
    {"NegativeLength", [](Valid &v) { v.tx.shape[2] = -5; }, "x.shape[2] (length) must be >= 1, got -5"},
    {"EmptyKernel", [](Valid &v) { v.tw.shape[2] = 0; }, "w.shape[2] (kernel_size) must be >= 1, got 0"},
    {"XNotDense", [](Valid &v) { v.tx.strides[2] = 2, v.tx.shape[2] = 5; }, "x.strides[2] must be 1"},
    {"NegativeStrideTensor", [](Valid &v) { v.tx.strides[1] = -10; }, "x.strides[1] must be >= 0, got -10"},
    {"XSpanOverflows", [](Valid &v) { v.tx.strides[0] = int64_t(1) << 31; }, "x spans more than 2^31-1 elements"},
    {"ShapeOverflows", [](Valid &v) { v.tx.shape[0] = int64_t(1) << 33; }, "exceeds 2^31-1"},
    {"StrideProductOverflows", [](Valid &v) { v.tx.strides[0] = int64_t(1) << 62; }, "x spans more than 2^31-1"},
    {"WeightInChannels", [](Valid &v) { v.tw.shape[0] = 3; },
     "w.shape[0] (in_channels) must equal x.shape[1] = 4, got 3"},
    {"GroupsDoNotDivide", [](Valid &v) { v.p.groups = 3; }, "in_channels (x.shape[1] = 4) must be divisible by groups = 3"},
    {"OutputTooShort", [](Valid &v) { v.p.padding = 40; }, "must be >= 1"},
    {"PaddedIndexOverflows32Bits",  // L_out stays 21: 2·padding taken, (K-1)·dilation added back
     [](Valid &v) {
         v.p.padding = (int64_t(1) << 31) - 2;
         v.p.dilation = v.p.padding + 1;
     },
     "must each be <= 2^31-1 (32-bit indexing)"},
    {"OutShapeWrong", [](Valid &v) { v.to.shape[2] -= 1; }, "out.shape must be [batch, out_channels, L_out] = [2, 6, 21]"},
    {"OutChannelsWrong", [](Valid &v) { v.to.shape[1] = 3; }, "out.shape must be"},
    {"OutSelfOverlap", [](Valid &v) { v.to.strides[1] = 5; }, "make elements of out overlap"},
    {"OutAliasesX", [](Valid &v) { v.to.data = const_cast<float *>(v.tx.data); }, "out overlaps x in memory"},
    {"OutAliasesW", [](Valid &v) { v.to.data = const_cast<float *>(v.tw.data) + 1; }, "out overlaps w in memory"},
    {"OutAliasesBias", [](Valid &v) { v.b = v.to.data + 3; }, "out overlaps bias in memory"},
};

INSTANTIATE_TEST_SUITE_P(Rules, BadInput, ::testing::ValuesIn(kRules),
                         [](const ::testing::TestParamInfo<Rule> &i) { return std::string(i.param.name); });

TEST(Validation, OutputLengthMatchesPyTorchFormula) {
    Params p;
    p.stride = 3, p.padding = 2, p.dilation = 4, p.output_padding = 1;
    EXPECT_EQ(output_length(7, 5, p), (7 - 1) * 3 - 2 * 2 + 4 * (5 - 1) + 1 + 1);
    EXPECT_LT(output_length(1, 1, Params{1, 5, 0, 1, 1}), 1);
}

TEST(Validation, UnknownVariantIsAnError) {
    Valid v;
    Options o;
    o.variant = "no_such_variant";
    const Status st = conv_transpose1d(v.tx, v.tw, v.b, v.to, v.p, o);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find("variant 'no_such_variant' is not in this library"), std::string::npos) << st.message;
    EXPECT_TRUE(v.untouched());
}

TEST(Validation, VariantOnTheWrongDeviceIsAnError) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    Valid v;
    Options o;
    o.device = Device::CPU;
    for (const VariantInfo &e : variants()) {
        if (e.device == Device::CUDA) o.variant = e.name;
    }
    ASSERT_FALSE(o.variant.empty());
    const Status st = conv_transpose1d(v.tx, v.tw, v.b, v.to, v.p, o);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find("runs on cuda, but device cpu was requested"), std::string::npos) << st.message;
    EXPECT_TRUE(v.untouched());
}

TEST(TuningCache, TrustsValidLinesAndDropsCorruptOnes) {
    char dir[] = "/tmp/convt1d-tuning-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/sub/tuning.tsv";
    setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    EXPECT_EQ(tuning_cache_path(), path);
    Valid v;
    // nothing cached yet: the heuristic
    EXPECT_EQ(choose_variant(v.tx, v.tw, v.p, Device::CPU).reason, "heuristic");
    // a cache with one valid line among corrupt ones
    // (the CPU's device field: the threads a loop uses, whose count changes the CPU tiles' ranking)
    const std::string cpu = "cpu|" + std::to_string(detail::thread_pool_threads()) + " threads";
    const std::string key = cpu + "|convt1d " + std::string(version()) + "|halide " + halide_version() +
                            "|x 2x4x10|w 4x3x3|s2 p1 op0 d2 g2";
    ASSERT_EQ(mkdir((std::string(dir) + "/sub").c_str(), 0755), 0);
    FILE *f = fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fprintf(f, "garbage without tabs\n%s\tno_such_variant\t1.0\n%s\tcpu\t-3\n", key.c_str(), key.c_str());
    fclose(f);
    // the cache reloads when the path changes: point at the same file through a second name
    const std::string alias = std::string(dir) + "/sub/../sub/tuning.tsv";
    setenv("CONVT1D_TUNING_CACHE", alias.c_str(), 1);
    EXPECT_EQ(choose_variant(v.tx, v.tw, v.p, Device::CPU).reason, "heuristic") << "corrupt lines must be dropped";
    f = fopen(path.c_str(), "a");
    fprintf(f, "%s\tcpu\t0.25\n", key.c_str());
    fclose(f);
    setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    const Choice c = choose_variant(v.tx, v.tw, v.p, Device::CPU);
    EXPECT_EQ(c.reason, "tuned");
    EXPECT_EQ(c.variant, "cpu");
    EXPECT_FALSE(c.per_group);
    // another problem is not in the cache
    Params q = v.p;
    q.padding = 0;
    EXPECT_EQ(choose_variant(v.tx, v.tw, q, Device::CPU).reason, "heuristic");
    // a per-group plan is the variant's name with "/per_group"; an unknown variant's is dropped
    const std::string key_q = cpu + "|convt1d " + std::string(version()) + "|halide " + halide_version() +
                              "|x 2x4x10|w 4x3x3|s2 p0 op0 d2 g2";
    f = fopen(path.c_str(), "a");
    fprintf(f, "%s\tno_such_variant/per_group\t0.5\n", key_q.c_str());
    fclose(f);
    setenv("CONVT1D_TUNING_CACHE", alias.c_str(), 1);
    EXPECT_EQ(choose_variant(v.tx, v.tw, q, Device::CPU).reason, "heuristic") << "unknown variant, per group";
    f = fopen(path.c_str(), "a");
    fprintf(f, "%s\tcpu/per_group\t0.5\n", key_q.c_str());
    fclose(f);
    setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    const Choice cq = choose_variant(v.tx, v.tw, q, Device::CPU);
    EXPECT_EQ(cq.reason, "tuned");
    EXPECT_EQ(cq.variant, "cpu");
    EXPECT_TRUE(cq.per_group);
    tests_tuning_cache();
}

// A first call's measurement (detail::fastest) against a process whose first calls are slow (its
// thread pool starting, pages touched the first time): three stand-in plans whose calls sleep 2, 4 and
// 1 ms, the first nine calls of the measurement 12 ms longer (every plan's warm-up and lone call, then
// the first plan's untimed call and two timed ones), and the 1 ms plan failing its third call.
// Measured one plan after another, the first plan's warm-up and timed calls took the slow spell and
// the 4 ms plan won; in rounds the spell falls on every plan and the 2 ms plan wins; a plan that fails
// a call is never chosen.
TEST(Tuning, AProcessesSlowFirstCallsDoNotDecideTheChoice) {
    const std::vector<const detail::VariantEntry *> all = detail::all_variants();
    ASSERT_GE(all.size(), 3u);
    const detail::Plan a{all[0], false}, b{all[1], false}, failing{all[2], false};
    int calls = 0, failing_calls = 0;
    auto once = [&](const detail::Plan &plan) {
        const int ms = plan.v == a.v ? 2 : plan.v == b.v ? 4 : 1;
        const int spell = ++calls <= 9 ? 12 : 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(ms + spell));
        return plan.v != failing.v || ++failing_calls < 3;
    };
    double best_ms = 0;
    const detail::Plan best = detail::fastest({a, b, failing}, once, [] { return true; }, &best_ms);
    ASSERT_NE(best.v, nullptr);
    EXPECT_EQ(best.v, a.v) << "chose " << best.v->name << " at " << best_ms << " ms, not " << a.v->name;
    EXPECT_GE(best_ms, 2.0);
    EXPECT_LT(best_ms, 4.0);
    // a warm-up and a lone call each (12 ms and more: one call a sample); then a round, an untimed call
    // and kTuningBlock timed ones a plan, until one fails (the failing plan's untimed call in round 0)
    EXPECT_EQ(calls, 3 * 2 + 2 * detail::kTuningRounds * (1 + detail::kTuningBlock) + 1);
}

// ... and against a plan that is fast only right after another plan's call: on the H100 machine's 16
// cores grouped_cpu's cpu_phase ran 0.14-0.19 ms a call when each call followed the lanes tile's, and
// 0.30-0.32 back to back, where the lanes tile ran 0.15-0.18 (NOTES 55 (f)). Stand-ins: `after` sleeps
// 1 ms right after the other plan's call and 4 ms after its own, `steady` 2 ms always. A caller's calls
// run back to back, so `steady` must win; timed one call a plan in turn, `after` measured 1 ms and won.
TEST(Tuning, TheChoiceIsMeasuredBackToBackAsACallersCallsRun) {
    const std::vector<const detail::VariantEntry *> all = detail::all_variants();
    ASSERT_GE(all.size(), 2u);
    const detail::Plan after{all[0], false}, steady{all[1], false};
    const detail::VariantEntry *previous = nullptr;
    auto once = [&](const detail::Plan &plan) {
        const int ms = plan.v == steady.v ? 2 : previous == after.v ? 4 : 1;
        previous = plan.v;
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return true;
    };
    double best_ms = 0;
    const detail::Plan best = detail::fastest({after, steady}, once, [] { return true; }, &best_ms);
    ASSERT_NE(best.v, nullptr);
    EXPECT_EQ(best.v, steady.v) << "chose " << best.v->name << " at " << best_ms << " ms";
    EXPECT_GE(best_ms, 2.0);
    EXPECT_LT(best_ms, 4.0);
}

// ... and queued, as a caller's loop runs GPU calls: it launches the next call while the last one's
// kernels run, so a call costs the larger of its host time and its kernels', not their sum. On the
// H100 kb64_small's columns (three kernels) and its phase point measured 0.0247 and 0.0250 ms a call
// waited for, and 22.5 against 15.2 us a call back to back (NOTES 60). Stand-ins on a simulated
// stream: `host_bound` spends 3 ms launching and its kernels take nothing; `kernel_bound` 1.5 ms
// launching and 2 ms of kernels, which start when both its launch and the stream's last work are done;
// finish() waits for the stream, then 0.5 ms more (a synchronisation's own latency). Each call waited
// for: 3.5 against 4.0 ms, and `host_bound` won; four calls a sample: 3.1 against 2.5 ms a call.
TEST(Tuning, GpuCallsAreTimedQueuedAsACallersLoopRunsThem) {
    using clock = std::chrono::steady_clock;
    using ms = std::chrono::duration<double, std::milli>;
    const std::vector<const detail::VariantEntry *> all = detail::all_variants();
    ASSERT_GE(all.size(), 2u);
    const detail::Plan host_bound{all[0], false}, kernel_bound{all[1], false};
    clock::time_point stream_done = clock::now();
    auto call = [&](const detail::Plan &plan) {
        const bool hb = plan.v == host_bound.v;
        std::this_thread::sleep_for(ms(hb ? 3.0 : 1.5));
        const clock::time_point start = std::max(clock::now(), stream_done);
        stream_done = start + std::chrono::duration_cast<clock::duration>(ms(hb ? 0.0 : 2.0));
        return true;
    };
    auto finish = [&] {
        std::this_thread::sleep_until(stream_done);
        std::this_thread::sleep_for(ms(0.5));
        return true;
    };
    double best_ms = 0;
    const detail::Plan best = detail::fastest({host_bound, kernel_bound}, call, finish, &best_ms, 4);
    ASSERT_NE(best.v, nullptr);
    EXPECT_EQ(best.v, kernel_bound.v) << "chose " << best.v->name << " at " << best_ms << " ms a call";
    EXPECT_GE(best_ms, 2.0);
    EXPECT_LT(best_ms, 3.0);
    // how many calls a sample queues: kTuningQueueMs of the fastest plan's lone call, 1 to kTuningQueueMax
    EXPECT_EQ(detail::tuning_queue(0.025), detail::kTuningQueueMax);
    EXPECT_EQ(detail::tuning_queue(0.1), 2);
    EXPECT_EQ(detail::tuning_queue(0.2), 1);
    EXPECT_EQ(detail::tuning_queue(9.0), 1);
    EXPECT_EQ(detail::tuning_queue(0.0), detail::kTuningQueueMax);
}

TEST(Runtime, TheModelSplitsAFewWideGroupsOfALongRow) {
    // No device needed: the choice reads shapes only. 4 groups of 32 output channels on long rows:
    // once per group, with a variant that computes one group (the grouped loop nest loads x per
    // channel) — on the CPU in one call, whose tiles of channels lie in one group each (cpu_phase:
    // C_out / groups a multiple of 8), and once per group at 12 channels a group; depthwise (1 channel
    // per group) and 32 groups of 8 on short rows: one call with a grouped variant (a call per group
    // would cost more launches than the work).
    const NothingTuned untuned;
    ASSERT_TRUE(untuned.ok());
    const float *none = nullptr;
    Params p;
    p.groups = 4;
    for (const Device d : {Device::CUDA, Device::CPU}) {
        if (d == Device::CUDA && !has_cuda_variants()) continue;  // (a build without CUDA: the CPU's alone)
        p.groups = 4;
        Choice c = choose_variant(contiguous(none, 16, 128, 32768), contiguous(none, 128, 32, 3), p, d);
        EXPECT_EQ(c.reason, "heuristic");
        EXPECT_EQ(c.per_group, d == Device::CUDA) << c.variant;
        const VariantInfo *v = variant_info(c.variant);
        ASSERT_NE(v, nullptr) << c.variant;
        EXPECT_EQ(v->device, d);
        c = choose_variant(contiguous(none, 16, 128, 32768), contiguous(none, 128, 12, 3), p, d);
        EXPECT_TRUE(c.per_group) << c.variant;
        p.groups = 64;  // depthwise
        c = choose_variant(contiguous(none, 2, 64, 100), contiguous(none, 64, 1, 3), p, d);
        EXPECT_FALSE(c.per_group) << c.variant;
        p.groups = 32;  // 32 groups of 8
        c = choose_variant(contiguous(none, 2, 64, 100), contiguous(none, 64, 8, 3), p, d);
        EXPECT_FALSE(c.per_group) << c.variant;
    }
}

TEST(Runtime, TheModelRanksByTheProblemsFigures) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    // The untuned CUDA choice follows from the figures the model counts, not from a list of winners
    // (shapes only: L is the suite's, nothing runs):
    //  - a suite shape that a variant has compiled in (`only`: no boundary work, x as vectors, taps
    //    unrolled) gets such a variant, at that geometry;
    //  - a vocoder layer (K = 2·stride, C_in of 512-1536) that no variant compiles in gets the general
    //    family, and at C_in 1536 one that splits the input channels over blocks: its weights staged
    //    whole (2 taps × 8 channels × 1536 = 96 KiB, 192 KiB for 16 channels) exceed the 47 KiB of a
    //    device without the opt-in, and where the device allows them (227 KiB) leave an SM one or two
    //    blocks, fewer warps than hide the loads' latency (the model's latency term);
    //  - every plan it ranks can run the problem, its estimates in order.
    const NothingTuned untuned;
    ASSERT_TRUE(untuned.ok());
    struct Case {
        const char *shape;
        int64_t B, C_in, C_out, K, L_in;
        int stride, padding, dilation;
        bool compiled_in;  // a variant of the list computes exactly this geometry
    };
    const Case cases[] = {{"kb74", 32, 32, 64, 5, 131072, 1, 0, 3, true},
                          {"kb64", 64, 128, 128, 3, 65536, 1, 0, 1, true},
                          {"kb79", 16, 32, 64, 3, 131072, 2, 1, 2, true},
                          {"stride4", 16, 64, 32, 8, 32768, 4, 2, 1, true},
                          {"dac_up1", 4, 1536, 768, 16, 864, 8, 4, 1, false},
                          {"bigvgan_up1", 4, 1536, 768, 8, 940, 4, 2, 1, false},
                          {"encodec_up1", 8, 512, 256, 16, 750, 8, 0, 1, false}};
    const float *none = nullptr;
    for (const Case &k : cases) {
        Params p;
        p.stride = k.stride;
        p.padding = k.padding;
        p.dilation = k.dilation;
        const ConstTensor x = contiguous(none, k.B, k.C_in, k.L_in), w = contiguous(none, k.C_in, k.C_out, k.K);
        const Choice c = choose_variant(x, w, p, Device::CUDA);
        ASSERT_EQ(c.reason, "heuristic") << k.shape;
        const VariantInfo *v = variant_info(c.variant);
        ASSERT_NE(v, nullptr) << k.shape << ": " << c.variant;
        if (k.compiled_in) {
            EXPECT_TRUE(v->only) << k.shape << ": " << c.variant;
            EXPECT_EQ(v->taps, k.K) << k.shape << ": " << c.variant;
            EXPECT_EQ(v->padding, k.padding) << k.shape << ": " << c.variant;
        } else {
            EXPECT_EQ(v->family.rfind("cuda_phase", 0), 0u) << k.shape << ": " << c.variant;  // or _warp
            EXPECT_TRUE(v->general()) << k.shape << ": " << c.variant;
            if (k.C_in == 1536) EXPECT_GT(v->split_ci, 0) << k.shape << ": " << c.variant;
        }
        const std::vector<RankedPlan> ranked = rank_plans(x, w, p, Device::CUDA);
        ASSERT_FALSE(ranked.empty());
        EXPECT_EQ(ranked.front().variant, c.variant);
        for (size_t i = 1; i < ranked.size(); ++i) EXPECT_LE(ranked[i - 1].estimated_ms, ranked[i].estimated_ms);
    }
}

// A layer's parameters at dilation 1 (the model and rule tests below).
Params stride_padding(int64_t stride, int64_t padding) {
    Params p;
    p.stride = stride;
    p.padding = padding;
    p.dilation = 1;
    return p;
}

TEST(Runtime, TheModelCountsASplitVariantsLastChunkAtTheChannelsItHas) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    // A variant that splits the input channels (split_ci) launches its chunks one after another, the
    // last over the channels left: 1.5 chunks' channels cost about 1.5 launches of work, not 2 (counted
    // as whole chunks, a DAC-24k layer's C_in 768 put the 512-channel point 7th, where it measured
    // fastest; NOTES 51). A compute-bound two-taps layer (K = 2·stride), shapes only.
    const Params p = stride_padding(5, 3);
    const float *none = nullptr;
    int checked = 0;
    for (const VariantInfo &v : variants()) {
        // (the phase sums' split points; cuda_cols' chunks are blocks of one grid, not launches in turn)
        if (v.device != Device::CUDA || v.split_ci <= 0 || v.family == "cuda_cols") continue;
        auto estimate = [&](int64_t C_in) {
            const ConstTensor x = contiguous(none, 4, C_in, 6000), w = contiguous(none, C_in, 384, 10);
            for (const RankedPlan &r : rank_plans(x, w, p, Device::CUDA)) {
                if (r.variant == v.name && !r.per_group) return r.estimated_ms;
            }
            return 0.0;  // not ranked (its staged weights over this build's shared memory)
        };
        const double one_and_half = estimate(v.split_ci + v.split_ci / 2), two = estimate(2 * v.split_ci);
        if (one_and_half == 0 || two == 0) continue;
        EXPECT_LT(one_and_half / two, 0.85) << v.name << ": " << one_and_half << " ms against " << two;
        EXPECT_GT(one_and_half / two, 0.6) << v.name << ": " << one_and_half << " ms against " << two;
        ++checked;
    }
    EXPECT_GT(checked, 0) << "no split variant ranked";
}

TEST(Runtime, TheModelCountsTheTapsOfPhasesInClasses) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    // A window of three taps computes three slots in every phase; with the phases in classes by their
    // taps (tap_classes) the phases of two taps compute two. On K = 2·stride + 1 (one phase of the stride
    // with three taps) the classes' estimate is under the one-kernel window's by about the slots saved;
    // on K = 3·stride (every phase of three taps: the class of two is empty, and skipped) it is the same
    // but for its two more launches; on K = 2·stride (every phase of two: the class of three computes one
    // phase no output reads) it is under the window's and over the two-slot one's. Shapes only. (With the
    // class of three at half the channels a thread, tap_classes 2, its K = 3·stride is that class's own
    // tile: no faster, and within the L1 wavefronts a half tile's window adds, NOTES 62 (d).)
    const float *none = nullptr;
    auto estimate = [&](const std::string &name, int64_t K, int stride) {
        const Params p = stride_padding(stride, 1);
        // (128 input channels: 16 channels × 3 taps of weights, 24 KiB, fit a device without the opt-in)
        const ConstTensor x = contiguous(none, 4, 128, 8000), w = contiguous(none, 128, 128, K);
        for (const RankedPlan &r : rank_plans(x, w, p, Device::CUDA)) {
            if (r.variant == name) return r.estimated_ms;
        }
        return 0.0;
    };
    int checked = 0;
    for (const VariantInfo &c : variants()) {
        if (!c.tap_classes) continue;
        for (const VariantInfo &v : variants()) {
            // the same point in one kernel
            if (v.tap_classes || v.family != c.family || v.phase_taps != c.phase_taps || v.reg_l != c.reg_l ||
                v.reg_co != c.reg_co || v.split_ci != c.split_ci || v.pad_x != c.pad_x || v.max_regs != c.max_regs) {
                continue;
            }
            const double one_k11 = estimate(v.name, 11, 5), classes_k11 = estimate(c.name, 11, 5);
            const double one_k15 = estimate(v.name, 15, 5), classes_k15 = estimate(c.name, 15, 5);
            const double one_k10 = estimate(v.name, 10, 5), classes_k10 = estimate(c.name, 10, 5);
            ASSERT_GT(one_k11 * classes_k11 * one_k15 * classes_k15 * one_k10 * classes_k10, 0)
                << c.name << " or " << v.name << " not ranked";
            EXPECT_LT(classes_k11, 0.85 * one_k11) << c.name << " against " << v.name;  // 11 slots of 15
            if (detail::class_three_channels(*detail::find_variant(c.name)) == c.reg_co) {
                EXPECT_NEAR(classes_k15, one_k15, 0.05 * one_k15) << c.name << " against " << v.name;  // 15 of 15
            } else {
                EXPECT_GE(classes_k15, 0.95 * one_k15) << c.name << " against " << v.name;
                EXPECT_LE(classes_k15, 1.15 * one_k15) << c.name << " against " << v.name;
            }
            EXPECT_LT(classes_k10, 0.95 * one_k10) << c.name << " against " << v.name;  // 13 slots of 15
            EXPECT_GT(classes_k10, 1.1 * 10 / 15 * one_k10) << c.name << " against " << v.name;  // not 10
            ++checked;
        }
    }
    EXPECT_GT(checked, 0) << "no variant with tap classes beside its one-kernel point";
}

// The phases in classes with the class of three at half the channels a thread (tap_classes 2): the model
// counts each class as a kernel of its own (its blocks, its block's staged weights), so that where the class
// of three's weights fill a block — K 11 at stride 5 with C_in 1,536 in chunks of 512, 96 KiB of them at 16
// channels, two blocks an SM — the point with its own tile ranks ahead (measured 1.61 against 1.69 ms, H100
// run 152), and where they do not (C_in 256, K 7 at stride 3: 0.908 against 0.909) the two are level (within
// the benchmark's run-to-run spread, 3 %: the window's L1 wavefronts, NOTES 62 (d), put the half tile 2.6 % behind).
TEST(Runtime, TheModelCountsEachTapClassAsAKernelOfItsOwn) {
    const detail::VariantEntry *one = detail::find_variant("cuda_phase_l128_r4_c16_p_u8_k512_cf_w3c_reg168");
    const detail::VariantEntry *own = detail::find_variant("cuda_phase_l128_r4_c16_p_u8_k512_cf_w3c2_reg168");
    const detail::VariantEntry *one_whole = detail::find_variant("cuda_phase_l128_r4_c16_p_u8_cf_w3c");
    const detail::VariantEntry *own_whole = detail::find_variant("cuda_phase_l128_r4_c16_p_u8_cf_w3c2");
    if (!one || !own || !one_whole || !own_whole) {
        EXPECT_FALSE(CONVT1D_DEFAULT_LIST) << "the default list's tap-class points are not in the library";
        GTEST_SKIP() << "this build lacks the tap-class points";
    }
    const float *none = nullptr;
    Params p = stride_padding(5, 3);
    const ConstTensor x = contiguous(none, 2, 1536, 1000), w = contiguous(none, 1536, 768, 11);
    EXPECT_LT(detail::model_seconds(*own, x, w, p), 0.97 * detail::model_seconds(*one, x, w, p));
    p = stride_padding(3, 2);
    const ConstTensor x7 = contiguous(none, 4, 256, 16000), w7 = contiguous(none, 256, 128, 7);
    EXPECT_NEAR(detail::model_seconds(*own_whole, x7, w7, p), detail::model_seconds(*one_whole, x7, w7, p),
                0.03 * detail::model_seconds(*one_whole, x7, w7, p));
}

// An in-place variant's row ends are computed by the variant the model ranks first on a piece of the rows
// (detail::edge_variant), never by the columns' form, which sums every input position's columns whatever
// piece of the output it is asked for: chosen there, encodec_up3's and dac_up4's in-place calls took 3.94 and
// 10.7 ms against 1.11 and 1.97 (H100 runs 175 and 174, NOTES 61).
TEST(Runtime, RowEndsAreNotComputedByTheColumnsForm) {
    const float *none = nullptr;
    struct Layer { int64_t B, C_in, C_out, K, L_in, stride, padding; };
    int checked = 0;
    for (const Layer &l : {Layer{8, 128, 64, 8, 30000, 4, 0}, Layer{2, 192, 96, 4, 221184, 2, 1}}) {
        const ConstTensor x = contiguous(none, l.B, l.C_in, l.L_in), w = contiguous(none, l.C_in, l.C_out, l.K);
        for (const int64_t count : {128, 512, 1024, 4096}) {
            const Params p = stride_padding(l.stride, l.padding);
            const detail::VariantEntry *e = detail::edge_variant(x, w, p, count, Device::CUDA);
            if (!e) continue;
            ++checked;
            EXPECT_FALSE(detail::columns_form(*e)) << e->name << " for " << count << " outputs at stride " << l.stride;
        }
    }
    if (checked == 0) {
        EXPECT_FALSE(CONVT1D_DEFAULT_LIST) << "the default list computes no row ends on the GPU";
        GTEST_SKIP() << "this build has no CUDA variant for the row ends";
    }
}

TEST(Validation, ASizeRuleIsReportedBeforeANullPointer) {
    // A zero-length x with no data: the size is the rule the caller broke (the null pointer comes with
    // it), and validate_shapes, which reads no data pointer, checks the same shapes without one.
    const float *none = nullptr;
    float *none_out = nullptr;
    Params p;
    Status st =
        validate(contiguous(none, 2, 4, 0), contiguous(none, 4, 8, 3), nullptr, contiguous(none_out, 2, 8, 1), p);
    ASSERT_FALSE(st.ok);
    EXPECT_NE(st.message.find("x.shape[2] (length) must be >= 1, got 0"), std::string::npos) << st.message;
    const ConstTensor x = contiguous(none, 2, 4, 10), w = contiguous(none, 4, 8, 3);
    const Tensor out = contiguous(none_out, 2, 8, output_length(10, 3, p));
    EXPECT_TRUE(validate_shapes(x, w, out, p).ok);
    st = validate(x, w, nullptr, out, p);
    ASSERT_FALSE(st.ok);
    EXPECT_NE(st.message.find("x: data is a null pointer"), std::string::npos) << st.message;
}

TEST(Validation, ValidProblemRunsAndWritesEveryElement) {
    // The control for the tests above: the same problem unbroken succeeds.
    Valid v;
    const Status st = v.run(Device::CPU);
    ASSERT_TRUE(st.ok) << st.message;
    EXPECT_FALSE(v.untouched());
    for (float e : v.out) EXPECT_FALSE(std::isnan(e));
}

}  // namespace
}  // namespace convt1d::test

#include <sys/wait.h>
#include <unistd.h>

namespace convt1d::test {
namespace {

// Why detail::can_run refuses variant v on the CUDA device for a problem of shapes only (x B × C_in × L_in, w C_in
// × C_out × K), or "" where it would run it.
std::string refusal(const detail::VariantEntry &v, int64_t B, int64_t C_in, int64_t L_in, int64_t C_out, int64_t K,
                    const Params &p) {
    const float *none = nullptr;
    std::string why;
    const bool runs = detail::can_run(v, contiguous(none, B, C_in, L_in), contiguous(none, C_in, C_out, K), p, Device::CUDA, &why);
    return runs ? std::string() : why;
}

TEST(Runtime, AVariantWhoseOwnBuffersPass2To31ElementsIsRefused) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    // Halide indexes a buffer with 32 bits. The folded-rows points copy x (64 rows of kb64's 65,536
    // positions: 65,542 slots a row) over its channels: with C_in 128 that is 537 M elements, and a
    // point that splits C_in in chunks of 512 copies the same 128 channels (the generator bounds the copy
    // by C_in, rounded up to its unrolled channels; before, the one chunk was copied whole, 2.15 G, and
    // faulted: NOTES 52 (h), 53); with C_in 520 every such copy is 2.18 G, and the runtime refuses the
    // variant with that reason before anything runs. Shapes only.
    const Params p = stride_padding(2, 1);
    int checked = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || std::string(v->family) != "cuda_phase" || !detail::folds_rows(*v)) continue;
        const int64_t K = std::min<int64_t>(4, v->phase_taps * p.stride);  // (within its taps a phase)
        const std::string fits = refusal(*v, 64, 128, 65536, 128, K, p), over = refusal(*v, 64, 520, 65536, 128, K, p);
        EXPECT_EQ(fits.find("2^31"), std::string::npos) << v->name << " on C_in 128: " << fits;
        EXPECT_NE(over.find("over 2^31-1 elements"), std::string::npos) << v->name << " on C_in 520: " << over;
        ++checked;
    }
    EXPECT_GT(checked, 0) << "no folded-rows point (cuda_phase with pad_x and phase_taps)";
}

TEST(Runtime, ASplitPointWhoseGridPassesCudasLimitIsRefused) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    // A split point with its chunks in one grid (grid_chunks) launches them in blockIdx.z and a phase's tiles
    // × the phases (× the rows where not folded) in blockIdx.y, which CUDA bounds at 65,535 blocks
    // (schedules/cuda_phase.cpp). One row of 5 M positions at stride 8 is 9,800-19,500 tiles of 512 or 256 a
    // phase, 78,000-156,000 in y: refused, with that reason, before anything runs; 1 M positions,
    // 15,600-31,300: not for that reason. Shapes only (8 input and 16 output channels keep every buffer under
    // 2^31 elements).
    const Params p = stride_padding(8, 4);
    int checked = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || std::string(v->family) != "cuda_phase" || v->split_ci == 0 || !v->grid_chunks) continue;
        const std::string fits = refusal(*v, 1, 8, 1000000, 16, 16, p), over = refusal(*v, 1, 8, 5000000, 16, 16, p);
        EXPECT_EQ(fits.find("CUDA's limit"), std::string::npos) << v->name << " on 1 M positions: " << fits;
        EXPECT_NE(over.find("CUDA's limit 65535"), std::string::npos) << v->name << " on 5 M positions: " << over;
        ++checked;
    }
    EXPECT_GT(checked, 0) << "no split point with its chunks in one grid (grid_chunks)";
}

TEST(Runtime, AGridOfRowsPastCudasLimitIsRefusedWhereTheRowsAreNotFolded) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    // A phase point whose rows are not folded into its positions (no window with x's copy) puts the phases ×
    // the rows in its planes' blockIdx.z, which CUDA bounds at 65,535 (schedules/cuda_phase.cpp): 20,000 rows at
    // stride 4 are 80,000, refused with that reason before anything runs; 10,000 rows are 40,000, and the
    // folded points put all rows in their tiles. Shapes only.
    const Params p = stride_padding(4, 2);
    int unfolded = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || std::string(v->family) != "cuda_phase") continue;
        const bool folded = detail::folds_rows(*v);
        const std::string fits = refusal(*v, 10000, 8, 64, 16, 8, p), over = refusal(*v, 20000, 8, 64, 16, 8, p);
        EXPECT_EQ(fits.find("CUDA's limit"), std::string::npos) << v->name << " on 10,000 rows: " << fits;
        if (folded) {
            EXPECT_EQ(over.find("CUDA's limit"), std::string::npos) << v->name << " on 20,000 rows: " << over;
        } else {
            EXPECT_NE(over.find("CUDA's limit 65535"), std::string::npos) << v->name << " on 20,000 rows: " << over;
            ++unfolded;
        }
    }
    EXPECT_GT(unfolded, 0) << "no cuda_phase point without folded rows";
}

// Two processes record into one tuning cache at the same time; a third reads it meanwhile. The
// file must always parse: every line three fields, a known variant, a positive time.
TEST(TuningCache, TwoWritersNeverLeaveAMalformedFile) {
    char dir[] = "/tmp/convt1d-tuning-race-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/tuning.tsv";
    setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    pid_t kids[2];
    for (int k = 0; k < 2; ++k) {
        kids[k] = fork();
        ASSERT_GE(kids[k], 0);
        if (kids[k] == 0) {
            for (int i = 0; i < 200; ++i) {
                detail::record_tuning("writer" + std::to_string(k) + "|key" + std::to_string(i), "cpu", 1.0 + i);
            }
            _exit(0);
        }
    }
    int malformed = 0, reads = 0;
    auto check_file = [&] {
        std::ifstream in(path);
        std::string line;
        while (std::getline(in, line)) {
            std::stringstream ss(line);
            std::string key, variant, ms;
            if (!std::getline(ss, key, '\t') || !std::getline(ss, variant, '\t') || !std::getline(ss, ms) ||
                variant != "cpu" || !(std::atof(ms.c_str()) > 0)) {
                ++malformed;
            }
        }
        ++reads;
    };
    for (int k = 0; k < 2; ++k) {
        int status = 0;
        while (waitpid(kids[k], &status, WNOHANG) == 0) check_file();
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    check_file();
    EXPECT_EQ(malformed, 0) << "after " << reads << " reads";
    tests_tuning_cache();
}

// HL_CUDA_JIT_MAX_REGISTERS as the process started: read before main(), so before any call.
const char *const kJitCapAtStart = std::getenv("HL_CUDA_JIT_MAX_REGISTERS");

TEST(Runtime, EachVariantIsCompiledUnderItsRegisterCapAndTheCapDoesNotLeak) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    const int caller = kJitCapAtStart ? std::atoi(kJitCapAtStart) : 0;
    bool some_above_default = false, any_cuda = false;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        const int expect = caller > 0 ? caller : v->max_regs > 0 ? v->max_regs : 64;
        EXPECT_EQ(detail::jit_register_cap(*v), expect) << v->name;
        some_above_default |= v->device == Device::CUDA && v->max_regs > 64;
        any_cuda |= v->device == Device::CUDA;
    }
    // Halide's JIT default of 64 registers puts 4 × 8 blocks unrolled over 4 input channels in
    // local memory: the list must hold variants compiled with more.
    if (any_cuda) EXPECT_TRUE(some_above_default);
    const std::string outside = kJitCapAtStart ? kJitCapAtStart : "64";
    auto env_now = [] {
        const char *e = std::getenv("HL_CUDA_JIT_MAX_REGISTERS");
        return std::string(e ? e : "(unset)");
    };
    std::mt19937_64 rng(test_seed() + 11);
    Case c(Problem{2, 5, 7, 3, 40, Params{}, true}, rng);
    Options opt;
    opt.device = Device::CPU;
    ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, opt).ok);
    EXPECT_EQ(env_now(), outside);
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device (the first-call path of a CUDA variant)";
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || v->max_regs <= 64) continue;
        opt.device = Device::CUDA;
        opt.variant = v->name;
        Problem pr{2, 5, 7, 3, 40, Params{}, true};
        if (v->stage_out) pr.C_out = v->reg_co + 1;  // a whole channel block and a shifted one
        pr.p.stride = std::max(v->stride, 1);  // a variant with a stride compiled in computes that one
        if (v->phase_taps > 0) pr.K = v->phase_taps;  // (at stride 1: that many taps a phase)
        if (v->only) {  // and one compiled for a whole geometry, that geometry
            pr.K = v->taps;
            pr.p.dilation = v->dil;
            pr.p.padding = v->padding;
        }
        Case cv(pr, rng);
        ASSERT_TRUE(conv_transpose1d(cv.tx, cv.tw, cv.bias_ptr(), cv.to, cv.pr.p, opt).ok) << v->name;
        ASSERT_TRUE(cv.check(cv.out)) << v->name;
        EXPECT_EQ(env_now(), outside) << "the cap of " << v->name << " stayed in the environment";
    }
}

// The parameters a variant's compiled-in stride, dilation and padding take (stride 1, dilation 1,
// padding 0 where it has none).
Params compiled_params(const detail::VariantEntry &v) {
    Params p;
    p.stride = std::max(v.stride, 1);
    p.dilation = std::max(v.dil, 1);
    p.padding = std::max(v.padding, 0);
    return p;
}

// Every in-place variant of the library, with the parameters of the geometry compiled into it (for a
// general one with the taps a phase compiled in, phase_taps, a few vocoder-like geometries of K =
// phase_taps·stride, and one of fewer taps); none is an error where the library holds the kb74 one.
struct InPlaceCase {
    const detail::VariantEntry *v;
    Params p;
    int64_t K;
};
std::vector<InPlaceCase> in_place_variants() {
    std::vector<InPlaceCase> list;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (!detail::in_place(*v)) continue;
        if (v->phase_taps == 0) {
            list.push_back({v, compiled_params(*v), v->taps});
            continue;
        }
        for (const auto &[S, padding, K] : std::vector<std::array<int64_t, 3>>{
                 {4, 2, 4 * v->phase_taps}, {8, 4, 8 * v->phase_taps}, {2, 1, 2 * v->phase_taps}, {5, 23, 3},
                 {1, 0, v->phase_taps}}) {
            Params p;
            p.stride = S;
            p.padding = padding;
            list.push_back({v, p, K});
        }
    }
    if (default_variant("cuda_l128_r4_c8_s_u4_inplace_so_reg80_k5s1d3p0")) EXPECT_FALSE(list.empty());
    return list;
}

// An in-place variant computes the middle of each row, the longest run of whole blocks whose reads
// lie inside x with a 16-byte vector to spare at either end (a schedule aligns a thread's window by
// at most that much), and another variant the ends. Checked against the math's reads, tap by tap.
// A general one (phase_taps) reads the planes at x's position under each phase's first tap, which
// Halide bounds within [pbase − 1, pbase + 1] + l / stride (pbase = padding / stride; +1 more where a
// thread's 4 positions wrap past a phase) and computes them over whole groups of 4, each group g
// reading the vectors [g − 4, g + 4): those lie inside x, and so do the math's reads.
TEST(InPlace, TheInteriorIsTheLongestRunOfWholeBlocksWhoseReadsLieInsideX) {
    for (const InPlaceCase &entry : in_place_variants()) {
        const detail::VariantEntry *v = entry.v;  // (named copies: lambdas below capture them)
        const Params p = entry.p;
        const int64_t B = 2, C_in = 4, C_out = 8, K = entry.K, block = int64_t(v->tile_l) * v->reg_l, slack = 4;
        const bool general = v->phase_taps > 0;
        // the lowest and highest x position output l reads
        auto reads = [&](int64_t l, int64_t *lo, int64_t *hi) {
            *lo = INT64_MAX;
            *hi = INT64_MIN;
            for (int64_t k = 0; k < K; ++k) {
                const int64_t t = l + p.padding - k * p.dilation;
                if (t % p.stride != 0) continue;
                *lo = std::min(*lo, t / p.stride);
                *hi = std::max(*hi, t / p.stride);
            }
        };
        for (const int64_t L_in : {int64_t(8192), int64_t(8192 + 100), int64_t(3 * block)}) {
            const int64_t L_out = output_length(L_in, K, p);
            const ConstTensor x = contiguous(static_cast<const float *>(nullptr), B, C_in, L_in);
            const ConstTensor w = contiguous(static_cast<const float *>(nullptr), C_in, C_out, K);
            const Tensor out = contiguous(static_cast<float *>(nullptr), B, C_out, L_out);
            const auto [l0, n] = detail::interior(*v, x, w, out, p);
            ASSERT_GT(n, 0) << v->name << " L_in " << L_in << " stride " << p.stride;
            EXPECT_EQ(l0 % block, 0) << v->name;
            EXPECT_EQ(n % block, 0) << v->name;
            EXPECT_LE(l0 + n, L_out) << v->name;
            int64_t lo = 0, hi = 0, first_lo = INT64_MAX, last_hi = INT64_MIN;
            for (int64_t l = l0; l < l0 + n; ++l) {
                reads(l, &lo, &hi);
                if (lo > hi) continue;  // (a phase no tap lands on: the bias alone)
                first_lo = std::min(first_lo, lo);
                last_hi = std::max(last_hi, hi);
            }
            if (general) {
                const int64_t pbase = p.padding / p.stride;
                const int64_t i_lo = l0 / p.stride + pbase - 1, i_hi = (l0 + n - 1) / p.stride + pbase + 2;
                EXPECT_GE(i_lo / 4 * 4 - 4, 0) << v->name << " stride " << p.stride;
                EXPECT_LE((i_hi + 1 + 3) / 4 * 4, L_in) << v->name << " stride " << p.stride;
                EXPECT_GE(first_lo, 0) << v->name;
                EXPECT_LT(last_hi, L_in) << v->name;
                continue;
            }
            EXPECT_GE(first_lo, slack) << v->name;
            EXPECT_LT(last_hi, L_in - slack) << v->name;
            // a block more on either side would read within the slack or outside x (or leave the row)
            if (l0 >= block) {
                bool reaches = false;
                for (int64_t l = l0 - block; l < l0; ++l) reads(l, &lo, &hi), reaches |= lo < slack;
                EXPECT_TRUE(reaches) << v->name << ": the run could start a block earlier";
            }
            if (l0 + n + block <= L_out) {
                bool reaches = false;
                for (int64_t l = l0 + n; l < l0 + n + block; ++l) reads(l, &lo, &hi), reaches |= hi >= L_in - slack;
                EXPECT_TRUE(reaches) << v->name << ": the run could end a block later";
            }
            if (K == 5 && p.dilation == 3 && p.padding == 0 && p.stride == 1 && L_in == 8192) {
                // kb74's geometry: output l reads x over [l − 12, l]
                EXPECT_EQ(l0, 512);
                EXPECT_EQ(n, 8192 - 1024);
            }
        }
        // a row of two blocks has no interior: the edge variant computes all of it
        const int64_t L_in = std::max<int64_t>(2 * block / p.stride, 1);
        const ConstTensor x = contiguous(static_cast<const float *>(nullptr), B, C_in, L_in);
        const ConstTensor w = contiguous(static_cast<const float *>(nullptr), C_in, C_out, K);
        const Tensor out = contiguous(static_cast<float *>(nullptr), B, C_out, output_length(L_in, K, p));
        const auto [l0, n] = detail::interior(*v, x, w, out, p);
        EXPECT_EQ(n, 0) << v->name << " at L_in " << L_in << " (l0 " << l0 << ")";
    }
}

// It reads x's rows as 16-byte vectors: a misaligned x is refused with the rule it broke, and the
// same problem on an aligned x is not.
TEST(InPlace, RefusesXWhoseRowsAreNotOn16ByteBoundaries) {
    for (const InPlaceCase &entry : in_place_variants()) {
        const detail::VariantEntry *v = entry.v;
        const Params p = entry.p;
        alignas(16) static float buf[8];
        const ConstTensor w = contiguous(static_cast<const float *>(nullptr), 4, 8, entry.K);
        std::string why;
        EXPECT_TRUE(detail::can_run(*v, contiguous(buf, 2, 4, 64), w, p, Device::CUDA, &why)) << why;
        for (const ConstTensor &x : std::vector<ConstTensor>{contiguous(buf, 2, 4, 66), contiguous(buf + 1, 2, 4, 64),
                                     ConstTensor{buf, {2, 4, 64}, {4 * 66, 66, 1}}}) {
            why.clear();
            EXPECT_FALSE(detail::can_run(*v, x, w, p, Device::CUDA, &why)) << v->name;
            EXPECT_NE(why.find("reads x in place as 16-byte vectors"), std::string::npos) << why;
        }
    }
}

// A variant that stages its outputs needs their tile in shared memory beside the weights: the largest
// C_in whose weights and tile fit runs, one more input channel is refused with the rule it broke,
// though the weights alone would still fit.
TEST(Runtime, StagedOutputsCountInTheSharedMemoryABlockNeeds) {
    int checked = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (!v->stage_out || !v->stage_w) continue;
        const Params p = compiled_params(*v);
        const int64_t K = v->taps > 0 ? v->taps : 3, S = p.stride;
        // A compiled-in geometry stages its weights to K rounded up to whole steps, the step the least
        // m > 0 with m·dilation ≡ 0 (mod S) (worked out here, not with the library's helper); any
        // other variant to whole strides.
        int64_t step = S;
        if (v->only) {
            step = 1;
            while (step * p.dilation % S != 0) ++step;
        }
        const int64_t tile = (int64_t(v->tile_l) * v->reg_l + (v->stage_out == 2 ? 32 : 0)) * v->reg_co * 4;
        const int64_t per_cin = int64_t(v->reg_co) * ((K + step - 1) / step * step) * 4;  // staged weights per input channel
        ASSERT_LT(tile, detail::shared_limit()) << v->name;
        const int64_t fits = (detail::shared_limit() - tile) / per_cin;
        ASSERT_LE(per_cin * (fits + 1), detail::shared_limit()) << v->name << ": the weights alone would not fit";
        alignas(16) static float buf[4];
        const ConstTensor w_fits = contiguous(static_cast<const float *>(nullptr), fits, 8, K);
        const ConstTensor w_over = contiguous(static_cast<const float *>(nullptr), fits + 1, 8, K);
        std::string why;
        EXPECT_TRUE(detail::can_run(*v, contiguous(buf, 1, fits, 64), w_fits, p, Device::CUDA, &why))
            << v->name << ": " << why;
        why.clear();
        EXPECT_FALSE(detail::can_run(*v, contiguous(buf, 1, fits + 1, 64), w_over, p, Device::CUDA, &why)) << v->name;
        EXPECT_NE(why.find("bytes of shared memory per block"), std::string::npos) << v->name << ": " << why;
        ++checked;
    }
    if (default_variant("cuda_l128_r4_c8_s_u4_inplace_so_reg80_k5s1d3p0")) EXPECT_GT(checked, 0);
}

// A window (phase_taps = T) stages T taps of each input channel's weights whatever the layer's taps a
// phase (the generator's slots; in classes, tap_classes 2, its larger class's block), so a layer with fewer needs what T taps need: at one channel past what
// fits, its plan is refused with the rule, not launched (before NOTES 50 (e) the count was the layer's
// ⌈K / step⌉: the whole-C_in w3 point was let run dac_up1, K 16 at stride 8, and its launch failed).
TEST(Runtime, AWindowCountsItsCompiledInTapsInTheSharedMemoryItNeeds) {
    int checked = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || v->phase_taps < 2 || v->split_ci > 0 || !v->stage_w) continue;
        const Params p = stride_padding(4, 1);
        const int64_t K = int64_t(v->phase_taps - 1) * p.stride;  // a tap fewer a phase than the window's
        // (with tap_classes 2, the larger class's block: the class of two's 2 × reg_co channels' taps, over the
        // class of three's 3 × reg_co / 2)
        const int64_t per_cin = (v->tap_classes == 2 ? std::max(v->reg_co / 2 * 3, v->reg_co * 2)
                                                     : int64_t(v->reg_co) * v->phase_taps) * 4;
        const int64_t fits = detail::shared_limit() / per_cin;
        alignas(16) static float buf[4];
        std::string why;
        EXPECT_TRUE(detail::can_run(*v, contiguous(buf, 1, fits, 64), contiguous(buf, fits, 8, K), p, Device::CUDA, &why))
            << v->name << ": " << why;
        why.clear();
        EXPECT_FALSE(detail::can_run(*v, contiguous(buf, 1, fits + 1, 64), contiguous(buf, fits + 1, 8, K), p,
                                     Device::CUDA, &why))
            << v->name << " at C_in " << fits + 1 << " (" << per_cin * (fits + 1) << " bytes of weights)";
        EXPECT_NE(why.find("bytes of shared memory per block"), std::string::npos) << v->name << ": " << why;
        ++checked;
    }
    if (default_variant("cuda_phase_l128_r4_c16_p_u8_cf_w3")) EXPECT_GT(checked, 1);
}

// A window point of fewer than 64 threads along its positions has 64 / tile_l threads along its channels
// (schedules/geometry.h), and its block stages the weights of all of them: reg_co × 64 / tile_l channels × its
// window's taps × a chunk's input channels. The runtime counts the same bytes (counted as one thread's reg_co
// channels, it would let a block past the device's shared memory be launched, and the launch fail).
TEST(Runtime, AWindowPointOfFewPositionThreadsStagesTheWeightsOfAllItsChannelThreads) {
    int checked = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || v->phase_taps < 1 || v->tile_l >= 64 || v->tap_classes) continue;
        const int co_threads = 64 / v->tile_l;
        ASSERT_GT(co_threads, 1) << v->name;
        const Params p = stride_padding(4, 1);
        const int64_t K = int64_t(v->phase_taps) * p.stride, C_in = 1000;
        const int64_t channels = v->split_ci > 0 ? std::min<int64_t>(v->split_ci, C_in) : C_in;
        alignas(16) static float buf[4];
        EXPECT_EQ(detail::shared_bytes(*v, contiguous(buf, 1, C_in, 64), contiguous(buf, C_in, 8, K), p),
                  int64_t(v->reg_co) * co_threads * v->phase_taps * channels * 4)
            << v->name;
        ++checked;
    }
    if (default_variant("cuda_phase_l32_r4_c8_p_u8_k256g_cf_w2_reg168")) EXPECT_GT(checked, 0);
}

// The launches opt in to the shared memory the device allows beyond the 48 KiB every kernel gets
// (Halide 21's runtime does not: such a launch failed with CUDA_ERROR_INVALID_VALUE): every variant
// that stages its weights runs a problem whose block needs more than 48 KiB and matches the reference.
TEST(Runtime, BlocksBeyond48KiBOfSharedMemoryRunWhereTheDeviceAllowsThem) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    if (detail::shared_limit() <= detail::kSharedDefault) GTEST_SKIP() << "SKIPPED: the device allows no more than 48 KiB a block";
    std::mt19937_64 rng(test_seed() + 31);
    int ran = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || !v->stage_w || v->autoscheduled) continue;
        const Params p = compiled_params(*v);
        const int64_t K = v->taps > 0 ? v->taps : v->phase_taps > 0 ? v->phase_taps * p.stride : 3;
        alignas(16) static float buf[4];
        auto need = [&](int64_t C_in) {
            return detail::shared_bytes(*v, contiguous(buf, 1, C_in, 256), contiguous(buf, C_in, 2 * v->reg_co, K), p);
        };
        int64_t C_in = 1;
        while (need(C_in) <= detail::kSharedDefault && C_in < 4096) C_in *= 2;
        if (need(C_in) <= detail::kSharedDefault || need(C_in) > detail::shared_limit()) continue;  // (a split variant)
        Case c(Problem{1, C_in, 2 * v->reg_co, K, 256, p, true}, rng);
        const Status st = c.run(v->name, Device::CUDA);
        ASSERT_TRUE(st.ok) << v->name << " needing " << need(C_in) << " bytes: " << st.message;
        ASSERT_TRUE(c.check(c.out)) << v->name << " " << c.pr.str();
        ++ran;
    }
    if (default_variant("cuda_phase_l128_r4_c16_p_u8_cf_w2")) EXPECT_GT(ran, 0);
}

TEST(Runtime, SplitVariantsComputeAStrideLongerThanTheOutput) {
    // A variant that splits its input channels into chunks adds the chunks' planes where the output reads
    // them (the generator's merged), over the phases the output has: a stride longer than L_out (fewer
    // phases than the stride) runs, over two chunks and a tail, against float64. (Until NOTES 35 the
    // merge was Halide's rfactor's, realised over every phase of the stride, and such a problem was
    // refused.) Each split variant on its device: the CPU twin everywhere, the GPU's where there is one.
    std::mt19937_64 rng(test_seed() + 37);
    int ran = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->split_ci == 0 || (v->device == Device::CUDA && !cuda_available())) continue;
        const Params p = stride_padding(9, 1);  // K 3, L_in 1: L_out 1, one phase of nine
        Problem pr{2, 2 * v->split_ci + 3, 8, 3, 1, p, true};
        for (const int64_t L_in : {int64_t(1), int64_t(5)}) {  // L_out 1 (stride > L_out), then 37
            pr.L_in = L_in;
            Case d(pr, rng);
            std::string why;
            EXPECT_TRUE(detail::can_run(*v, d.tx, d.tw, d.pr.p, v->device, &why)) << v->name << ": " << why;
            const Status st = d.run(v->name, v->device);
            ASSERT_TRUE(st.ok) << v->name << ": " << st.message;
            EXPECT_TRUE(d.check(d.out)) << v->name << " " << d.pr.str();
        }
        ++ran;
    }
    if (default_variant("cpu_phase_w2_k16")) EXPECT_GT(ran, 0);
}

TEST(Runtime, CpuPhaseComputesGroupsInOneCall) {
    // cpu_phase computes a grouped problem in one call, with its tile's channels in one group where the
    // tile divides C_out / groups (8 channels with AVX-512, 4 below; cpu_phase_cl's lanes 16 and 8: the
    // generator writes their group as one value) and through the grouped loop nest elsewhere: groups
    // 1-4 over tile-sized, half-tile and odd group widths, whose groups' edges fall inside and between
    // tiles, at two taps a phase (the vocoders' class, a specialisation of its own), three taps a phase
    // at dilation 1 (kb64's K 3 at stride 1) and three with a dilation (the general loop nest), against
    // float64.
    std::mt19937_64 rng(test_seed() + 41);
    int ran = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (std::string(v->family) != "cpu_phase") continue;
        for (const int64_t groups : {1, 2, 3, 4}) {
            for (const int64_t cout_g : {4, 8, 12, 16, 24, 40, 7}) {
                for (const int taps : {2, 3, 0}) {  // two taps a phase, three, the general nest
                    Params p;
                    p.groups = groups;
                    p.stride = taps == 2 ? 4 : 1;
                    p.padding = taps == 2 ? 2 : 1;
                    p.dilation = taps == 0 ? 2 : 1;
                    const int64_t cin_g = 3 + cout_g % 5 + (v->split_ci > 0 ? v->split_ci : 0);  // two chunks where split
                    Problem pr{2, groups * cin_g, groups * cout_g, taps == 2 ? 8 : 3, 37, p, true};
                    Case c(pr, rng);
                    if (!detail::can_run(*v, c.tx, c.tw, c.pr.p, Device::CPU, nullptr)) continue;
                    RunInfo info;
                    const Status st = c.run(v->name, Device::CPU, &info);
                    ASSERT_TRUE(st.ok) << v->name << ": " << st.message;
                    EXPECT_FALSE(info.per_group);
                    EXPECT_TRUE(c.check(c.out)) << v->name << " " << c.pr.str();
                    ++ran;
                }
            }
        }
    }
    if (default_variant("cpu_phase")) EXPECT_GE(ran, 4 * 7 * 3);
}

// A variant with the taps a phase compiled in (phase_taps) runs any K, stride and padding with at most
// that many taps a phase and, in place or on the CPU, the dilation dividing the stride, and refuses others
// with the rule; a CUDA window point with x's copy takes any dilation (its copy split by the taps' step in x).
TEST(Runtime, PhaseTapsVariantsComputeTheirClassOnly) {
    int checked = 0, any = 0;
    const float *none = nullptr;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->phase_taps == 0) continue;
        const int T = v->phase_taps;
        auto runs = [&](int64_t K, int64_t stride, int64_t dilation, int64_t padding, std::string *why) {
            Params p;
            p.stride = stride;
            p.dilation = dilation;
            p.padding = padding;
            const ConstTensor x = contiguous(none, 1, 8, 64), w = contiguous(none, 8, 8, K);
            return detail::can_run(*v, x, w, p, v->device, why);
        };
        std::string why;
        for (int64_t S : {1, 2, 3, 8}) {
            EXPECT_TRUE(runs(T * S, S, 1, S / 2, &why)) << v->name << " K " << T * S << " stride " << S << ": " << why;
            if (T * S > 1) {  // the last phase one tap short
                EXPECT_TRUE(runs(T * S - 1, S, 1, 0, &why)) << v->name << ": " << why;
            }
            why.clear();
            EXPECT_FALSE(runs(T * S + 1, S, 1, 0, &why)) << v->name << " K " << T * S + 1 << " stride " << S;
            EXPECT_NE(why.find("computes at most " + std::to_string(T) + " taps a phase"), std::string::npos) << why;
        }
        // the dilation dividing the stride: stride 4, dilation 2 has step 2, x's tap step 1
        EXPECT_TRUE(runs(2 * T, 4, 2, 1, &why)) << v->name << ": " << why;
        why.clear();
        // dilation 3 at stride 4 (x's tap step 3, step 4) and 4 at stride 1 (K 3: dilated_d4's class, x's step 4)
        const bool any_dilation = detail::window_any_dilation(*v);
        EXPECT_EQ(runs(2, 4, 3, 0, &why), any_dilation) << v->name << ": dilation 3 at stride 4: " << why;
        if (!any_dilation) EXPECT_NE(why.find("with the dilation dividing the stride"), std::string::npos) << why;
        why.clear();
        EXPECT_EQ(runs(std::min(T, 3), 1, 4, 4, &why), any_dilation) << v->name << ": dilation 4 at stride 1: " << why;
        why.clear();
        if (any_dilation) {  // (still at most T taps a phase: K T + 1 at stride 1)
            EXPECT_FALSE(runs(T + 1, 1, 4, 4, &why)) << v->name;
            EXPECT_NE(why.find("computes at most " + std::to_string(T) + " taps a phase"), std::string::npos) << why;
            ++any;
        }
        ++checked;
    }
    if (default_variant("cuda_phase_l128_r4_c8_p_u4_cf_w2")) EXPECT_GT(checked, 0);
    if (default_variant("cuda_phase_l128_r4_c16_p_u8_cf_w3")) EXPECT_GT(any, 0);
}

// A variant that stages its outputs shifts its last channel block inwards instead of guarding each
// store (schedules/cuda.cpp): it runs a whole block of reg_co output channels and refuses fewer with
// the rule; a variant that does not stage them runs fewer too.
TEST(Runtime, StagedOutputsNeedAWholeChannelBlock) {
    int staged = 0, unstaged = 0;
    for (const detail::VariantEntry *v : detail::all_variants()) {
        if (v->device != Device::CUDA || v->autoscheduled) continue;
        const Params p = compiled_params(*v);
        const int64_t K = v->taps > 0 ? v->taps : v->phase_taps > 0 ? v->phase_taps : 3;  // (stride 1)
        alignas(16) static float buf[4];
        const ConstTensor x = contiguous(buf, 1, 4, 64);
        const ConstTensor whole = contiguous(static_cast<const float *>(nullptr), 4, v->reg_co, K);
        const ConstTensor fewer = contiguous(static_cast<const float *>(nullptr), 4, v->reg_co - 1, K);
        std::string why;
        EXPECT_TRUE(detail::can_run(*v, x, whole, p, Device::CUDA, &why)) << v->name << ": " << why;
        why.clear();
        const bool ran = detail::can_run(*v, x, fewer, p, Device::CUDA, &why);
        if (v->stage_out) {
            EXPECT_FALSE(ran) << v->name;
            const std::string rule = "computes at least " + std::to_string(v->reg_co) + " output channels";
            EXPECT_NE(why.find(rule), std::string::npos) << v->name << ": " << why;
            ++staged;
        } else {
            EXPECT_TRUE(ran) << v->name << ": " << why;
            ++unstaged;
        }
    }
    if (default_variant("cuda_l128_r4_c8_s_u4_inplace_so_reg80_k5s1d3p0")) EXPECT_GT(staged, 0);
    if (default_variant("cuda_l128_c4_g")) EXPECT_GT(unstaged, 0);
}

// A layer of the choice tests below: its shape, and whether the untuned choice is of the test's family there.
struct ChoiceCase {
    const char *layer;
    int64_t B, C_in, C_out, K, L_in;
    int stride, padding, groups;
    bool of_family;
};

// Each case's untuned choice (no tuning cache) on device d, of family `family` where the case says so; `also`
// checks more of a case (its x, w and parameters, shapes only).
void expect_family_choice(const std::vector<ChoiceCase> &cases, Device d, const std::string &family,
                          const std::function<void(const ChoiceCase &, const ConstTensor &, const ConstTensor &,
                                                   const Params &)> &also = nullptr) {
    const NothingTuned untuned;
    ASSERT_TRUE(untuned.ok());
    const float *none = nullptr;
    for (const ChoiceCase &k : cases) {
        Params p;
        p.stride = k.stride;
        p.padding = k.padding;
        p.groups = k.groups;
        const ConstTensor x = contiguous(none, k.B, k.C_in, k.L_in), w = contiguous(none, k.C_in, k.C_out / k.groups, k.K);
        const Choice c = choose_variant(x, w, p, d);
        const VariantInfo *v = variant_info(c.variant);
        ASSERT_NE(v, nullptr) << k.layer << ": " << c.variant;
        EXPECT_EQ(v->family == family, k.of_family) << k.layer << ": " << c.variant;
        if (also) also(k, x, w, p);
    }
}

TEST(Validation, ALayerOfFewOutputChannelsRunsTheColumnsOnTheCpu) {
    // A CPU call's untuned choice on a layer of one or two output channels (a separation model's decoder:
    // C_in 512 to 1, K 16, stride 8; Demucs' last layer: 64 to 2, K 8, stride 4) is the columns' form
    // (cpu_cols), where cpu_phase's tile computes 8 channels for each real one and zero-extends x first
    // (the model's figures, runtime/src/model.cpp: measured 1.8 -> 0.85 ms and 0.71 -> 0.27-0.42 on this
    // VM, docs/NOTES.md 56); on the suite's CPU layers (C_out 32 to 256, every cpu_phase tile whole) it is
    // not, as there the columns' form reads x once a block of channels.
    if (!default_variant("cpu_cols")) return;
    expect_family_choice({{"tasnet_dec_cpu", 1, 512, 1, 16, 2000, 8, 0, 1, true},
                          {"demucs_out_cpu", 1, 64, 2, 8, 10000, 4, 0, 1, true},
                          {"kb64_cpu", 2, 128, 128, 3, 2048, 1, 0, 1, false},
                          {"grouped_cpu", 2, 128, 128, 3, 2048, 1, 1, 4, false},
                          {"stride4_cpu", 2, 64, 32, 8, 4096, 4, 2, 1, false},
                          {"dac_up1_cpu", 1, 512, 256, 16, 256, 8, 4, 1, false},
                          {"encodec_up3_cpu", 1, 128, 64, 8, 8000, 4, 0, 1, false}},
                         Device::CPU, "cpu_cols");
}

TEST(Validation, ADepthwiseLayerRunsTheClosedFormOnTheCpu) {
    // A CPU call's untuned choice on a depthwise layer (one input channel a group: groups 256, K 4, stride 2) is
    // the closed form by phase (cpu_phase), not the tested form (cpu), whose x window at each input channel of a
    // tile holds its 4 output channels' groups, 4 channels of x for 16 FMAs (the model's tested_window_per_fma,
    // runtime/src/model.cpp): measured 1.6-2.4 ms against cpu_phase's 0.70-1.15 on this VM (docs/NOTES.md 58 (g)),
    // where the model had them 0.91 / 0.93. Grouped layers whose groups hold whole tiles of channels, and the
    // suite's, keep cpu_phase.
    if (!default_variant("cpu_phase")) return;
    expect_family_choice({{"depthwise_up_cpu", 1, 256, 256, 4, 2000, 2, 1, 256, true},
                          {"depthwise_up", 8, 256, 256, 4, 4000, 2, 1, 256, true},
                          {"grouped_cpu", 2, 128, 128, 3, 2048, 1, 1, 4, true},
                          {"kb64_cpu", 2, 128, 128, 3, 2048, 1, 0, 1, true}},
                         Device::CPU, "cpu_phase");
}

TEST(Validation, ALayerOfFewOutputChannelsRunsTheColumnsOnTheGpu) {
    // The untuned CUDA choice on a layer of one or two output channels whose x passes the L2 (a separation
    // decoder: C_in 512 to 1, K 16, stride 8, 65 MB of x; Demucs' last layer: 64 to 2, K 8, stride 4, 82 MB)
    // is the columns' form (cuda_cols): the phase sums read x once a phase, from DRAM each time there (the
    // model's figures, runtime/src/model.cpp: tasnet_dec 0.177 ms on the H100 where one read of x takes
    // 0.022, docs/NOTES.md 56 (h), 57); on the vocoders' layers (C_out 256-768, K = 2·stride) it is not,
    // there a thread's 16 columns are one channel's taps and x is read once a tile of them.
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    expect_family_choice({{"tasnet_dec", 4, 512, 1, 16, 8000, 8, 0, 1, true},
                          {"demucs_out", 4, 64, 2, 8, 80000, 4, 0, 1, true},
                          {"dac_up1", 4, 1536, 768, 16, 864, 8, 4, 1, false},
                          {"encodec_up1", 8, 512, 256, 16, 750, 8, 0, 1, false},
                          {"encodec_up3", 8, 128, 64, 8, 30000, 4, 0, 1, false},
                          {"hifigan_up2", 4, 256, 128, 16, 1600, 8, 4, 1, false}},
                         Device::CUDA, "cuda_cols",
                         [](const ChoiceCase &k, const ConstTensor &x, const ConstTensor &w, const Params &p) {
                             if (std::string(k.layer) != "tasnet_dec") return;
                             // and the phase sums' estimate counts x read once a phase from DRAM (8 reads of its
                             // 65.5 MB: 0.175 ms at 3 TB/s; the H100 measured 0.177 ms in run 161), not once
                             for (const RankedPlan &r : rank_plans(x, w, p, Device::CUDA)) {
                                 const VariantInfo *e = variant_info(r.variant);
                                 if (e && e->family == "cuda_phase") EXPECT_GT(r.estimated_ms, 0.15) << r.variant;
                             }
                         });
}

TEST(Validation, NamedOnlyVariantsAreLeftOutOfTheRanking) {
    // The CPU tile with its channels in the lanes (VariantInfo::lanes) and the autoscheduler's reference
    // point run only where named: the model does not rank them (registry's named_only), so neither the
    // untuned choice nor a tuner's candidates are ever they, on two-taps layers that the lanes tile
    // can run (so that leaving it out is the rule's doing, not can_run's).
    const NothingTuned untuned;
    ASSERT_TRUE(untuned.ok());
    const float *none = nullptr;
    const VariantInfo *lanes = nullptr;
    for (const VariantInfo &v : variants()) {
        if (v.lanes) lanes = &v;
    }
    for (const std::array<int64_t, 4> &k : {std::array<int64_t, 4>{512, 16, 750, 8}, {384, 8, 240, 4}, {64, 4, 1000, 2}}) {
        Params p;
        p.stride = int(k[3]);
        p.padding = int(k[3] / 2);
        const ConstTensor x = contiguous(none, 2, k[0], k[2]), w = contiguous(none, k[0], k[0] / 2, k[1]);
        const std::vector<RankedPlan> ranked = rank_plans(x, w, p, Device::CPU);
        ASSERT_FALSE(ranked.empty());
        for (const RankedPlan &r : ranked) {
            const VariantInfo *v = variant_info(r.variant);
            ASSERT_NE(v, nullptr) << r.variant;
            EXPECT_FALSE(v->lanes || v->autoscheduled) << r.variant << " ranked at stride " << p.stride;
        }
        const VariantInfo *chosen = variant_info(choose_variant(x, w, p, Device::CPU).variant);
        ASSERT_NE(chosen, nullptr);
        EXPECT_FALSE(chosen->lanes);
        if (lanes) {
            std::string why;
            const detail::VariantEntry *e = detail::find_variant(lanes->name);
            ASSERT_NE(e, nullptr);
            EXPECT_TRUE(detail::can_run(*e, x, w, p, Device::CPU, &why)) << lanes->name << ": " << why;
        }
    }
    if (default_variant("cpu_phase_cl")) EXPECT_NE(lanes, nullptr);
}

}  // namespace
}  // namespace convt1d::test
