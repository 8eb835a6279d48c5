// Property tests: every variant in the library, ≥ 500 random problems each, against float64.
#include "test_util.h"

#include <algorithm>
#include <numeric>

namespace convt1d::test {
namespace {

constexpr int kCases = 500;

class EveryVariant : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryVariant, MatchesFloat64ReferenceOnRandomProblems) {
    const std::string name = GetParam();
    const VariantInfo *v = variant_info(name);
    ASSERT_NE(v, nullptr);
    if (v->device == Device::CUDA && !cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";

    std::mt19937_64 rng(test_seed() ^ std::hash<std::string>{}(name));
    Options opt;
    opt.device = v->device;
    opt.variant = name;
    int ran = 0, ran_compiled_in = 0, ran_per_group = 0;
    // A variant with a stride compiled in computes that stride only (and one for odd dilations,
    // odd dilations only): four of five problems are drawn at it, the fifth at any, to check the
    // refusal too.
    // A variant compiled for one geometry alone (`only`) draws four of five problems with it.
    auto computes_stride = [&](int64_t stride) { return v->stride == 0 || stride == v->stride; };
    auto computes_geometry = [&](const Problem &pr) {
        return !v->only || (pr.K == v->taps && pr.p.dilation == v->dil && pr.p.padding == v->padding &&
                            pr.p.stride == std::max(v->stride, 1));
    };
    // An in-place variant (`only`, or cuda_phase with phase_taps, without pad_x) reads x's rows as
    // 16-byte vectors: its channel and batch strides must be multiples of 4 (an extent-1 dimension's,
    // never stepped, taken as dense, a multiple of L_in); it computes the middle of long rows, another
    // variant the ends. Its problems have L_in and the row padding both multiples of 4 (aligned in
    // every slicing) or L_in not and no padding (misaligned in every slicing).
    const bool in_place = v->in_place();
    auto x_aligned = [&](const Problem &pr) { return !in_place || pr.L_in % 4 == 0; };
    // A variant that stages its outputs shifts its last channel block inwards: it computes at least
    // reg_co output channels per call (per group: the staged variants compute one group only). Four
    // of five problems are drawn with that many (whole_blocks, below).
    const bool staged_out = v->stage_out != 0;
    ASSERT_TRUE(!staged_out || v->ungrouped) << name << ": the draws below assume one group";
    auto whole_channel_block = [&](const Problem &pr) { return !staged_out || pr.C_out / pr.p.groups >= v->reg_co; };
    // A variant with the taps a phase compiled in (phase_taps) computes problems with at most that many
    // taps a phase and, but for a window point that takes any dilation (its copy of x split by the taps'
    // step in x), the dilation dividing the stride: four of five problems are drawn so.
    auto phase_taps_fit = [&](const Problem &pr) {
        const int64_t step = pr.p.stride / std::gcd(pr.p.stride, pr.p.dilation);
        const bool dilation_fits = v->window_any_dilation() || pr.p.dilation == pr.p.stride / step;
        return v->phase_taps == 0 || (dilation_fits && (pr.K + step - 1) / step <= v->phase_taps);
    };
    auto computes = [&](const Problem &pr) {
        return computes_stride(pr.p.stride) && (!v->odd_dilation || pr.p.dilation % 2 == 1) &&
               computes_geometry(pr) && x_aligned(pr) && whole_channel_block(pr) &&
               phase_taps_fit(pr);
    };
    // Problems whose every phase has `full` taps at dilation 1: two (K = 2·stride, the vocoders'
    // upsamplers), or one on a variant that computes one tap a phase only (pt 1: K = stride).
    const int64_t full = v->phase_taps == 1 ? 1 : 2;
    int refused_stride = 0, ran_chunks = 0, ran_full_taps = 0, ran_three_taps = 0, ran_dilated = 0;
    auto full_taps_at_dilation_1 = [full](Problem &pr) {
        pr.p.dilation = 1;
        pr.K = full * pr.p.stride;
        pr.p.output_padding = std::min<int64_t>(pr.p.output_padding, pr.p.stride - 1);
    };
    for (int i = 0; i < kCases; ++i) {
        Problem pr = random_problem(rng);
        const bool chunks = v->split_ci > 0 && i % 5 == 1;
        if (chunks) {
            // A variant that splits the input channels over blocks (split_ci) draws one problem in five
            // with them over two chunks and a tail, so that several chunks' partial sums are added
            // (short rows and few output channels keep the float64 reference quick). Grouped as drawn
            // where the variant computes groups (the CPU twin: each group's last chunk then stops at its
            // group's last channel), else one group.
            if (v->ungrouped) pr.p.groups = 1;
            // two taps a phase, as a vocoder's layers (K <= 2·stride/gcd(stride, dilation), the step between
            // a phase's taps): the chunk's weights fit shared memory
            pr.K = std::min<int64_t>(pr.K, 2 * pr.p.stride / std::gcd(pr.p.stride, pr.p.dilation));
            pr.C_in = pr.p.groups * (2 * v->split_ci + 1 + i % 7);
            pr.C_out = pr.p.groups * std::max<int64_t>(1, std::min<int64_t>(pr.C_out, 33) / pr.p.groups);
            pr.L_in = std::clamp<int64_t>(pr.L_in, 8, 40);  // (8 or more: L_out >= stride)
            if (i % 10 == 1) full_taps_at_dilation_1(pr);
            while (pr.L_out() < 1) pr.L_in += 8;
        }
        // A general variant's problems with every phase two taps at dilation 1 (K = 2·stride, the
        // vocoders' upsamplers), which cuda_phase computes in a specialisation of its own (its two taps
        // unrolled, their x loads shared; one tap on a pt 1 variant): one problem in five.
        const bool full_taps = v->general() && i % 5 == 2;
        if (full_taps) {
            full_taps_at_dilation_1(pr);
            pr.p.groups = 1;
            pr.L_in = std::max<int64_t>(pr.L_in, 12);  // L_out >= stride (split variants)
        }
        // ... and with every phase three taps at dilation 1 (K = 3·stride: K 3 at stride 1, as kb64), which
        // cpu_phase's lanes form computes in a specialisation of its own (a channel's three taps together,
        // schedules/cpu_phase.cpp): one problem in ten, grouped as drawn.
        if (v->general() && i % 10 == 3) {
            pr.p.dilation = 1;
            pr.K = 3 * pr.p.stride;
            pr.p.output_padding = std::min<int64_t>(pr.p.output_padding, pr.p.stride - 1);
            while (pr.L_out() < 1) pr.L_in += 8;
        }
        if (v->phase_taps > 0 && i % 5 != 0 && !phase_taps_fit(pr)) {
            // the dilation a divisor of the stride (1, or their gcd) or, on a point that takes any dilation, the
            // one drawn in one of three, K within phase_taps steps
            if (i % 3 != 0) {
                pr.p.dilation = 1;
            } else if (!v->window_any_dilation()) {
                pr.p.dilation = std::gcd(pr.p.stride, pr.p.dilation);
            }
            const int64_t step = pr.p.stride / std::gcd(pr.p.stride, pr.p.dilation);
            pr.K = 1 + int64_t(rng() % (v->phase_taps * step));
            pr.p.output_padding = std::min<int64_t>(pr.p.output_padding, std::max(pr.p.stride, pr.p.dilation) - 1);
            while (pr.L_out() < 1) pr.L_in += 8;
        }
        if (v->only && i % 5 != 0) {
            pr.K = v->taps;
            pr.p.dilation = v->dil;
            pr.p.padding = v->padding;
            pr.p.stride = std::max(v->stride, 1);
            pr.p.output_padding = 0;
            if (pr.C_in > 32) {  // weights of a block within shared memory, C_in still a multiple of groups
                pr.C_in = pr.p.groups * std::max<int64_t>(1, 32 / pr.p.groups);
            }
            while (pr.L_out() < 1) pr.L_in += 8;
        }
        if (in_place && i % 5 == 4) {
            pr.L_in += pr.L_in % 4 == 0;  // misaligned rows: refused
        } else if (in_place && i % 5 != 0) {
            // aligned rows, long enough for a middle every other time (few channels keep the float64
            // reference quick: one group for a variant of one geometry; a general one keeps the groups
            // drawn, each group's problem then run once per group, a group's few channels each)
            if (i % 2 == 0) {
                if (v->only) pr.p.groups = 1;
                const int64_t g = pr.p.groups;
                pr.L_in = 1024 * (2 + i % 4) + 4 * (i % 7);
                pr.B = std::min<int64_t>(pr.B, 2);
                pr.C_in = g * std::max<int64_t>(1, std::min<int64_t>(pr.C_in / g, 8 / g));
                pr.C_out = g * std::max<int64_t>(1, std::min<int64_t>(pr.C_out / g, 16 / g));
            }
            pr.L_in = (pr.L_in + 3) / 4 * 4;
        }
        if (in_place) pr.x_row_pad = pr.L_in % 4 == 0 ? pr.x_row_pad / 4 * 4 : 0;
        auto whole_blocks = [&](Problem &q) {
            if (staged_out && i % 5 != 0) q.C_out = std::max(q.C_out, q.p.groups * v->reg_co);
        };
        whole_blocks(pr);
        while (i % 5 != 0 && !computes(pr) && !(in_place && i % 5 == 4)) {
            pr = random_problem(rng);
            if (in_place) pr.x_row_pad = pr.L_in % 4 == 0 ? pr.x_row_pad / 4 * 4 : 0;
            whole_blocks(pr);
        }
        const bool compiled_in = v->only ? computes(pr) : (v->taps > 0 || v->padding >= 0) && i % 2 == 0;
        if (v->only) {
            // drawn above
        } else if (compiled_in && v->padding >= 0) {
            // Every other problem takes the variant's compiled-in padding and dilation (at its
            // stride, one group), so its specialised loop nest is what these cases check.
            pr.p.padding = v->padding;
            pr.p.dilation = v->dil;
            pr.p.stride = v->stride;
            pr.p.output_padding = 0;
            pr.p.groups = 1;
            while (pr.L_out() < 1) pr.L_in += 8;
        } else if (compiled_in) {
            // Every other problem takes the variant's compiled-in filter length and dilation (at
            // stride 1, one group), so its unrolled tap loop is what these cases check.
            pr.K = v->taps;
            pr.p.dilation = v->dil;
            pr.p.stride = 1;
            pr.p.output_padding = 0;
            pr.p.groups = 1;
            pr.C_in = std::min<int64_t>(pr.C_in, 33);  // weights of a block within shared memory
            while (pr.L_out() < 1) pr.L_in += 8;
        }
        Case c(pr, rng);
        RunInfo info;
        Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, opt, &info);
        // Grouped problems also run once per group (Options::per_group): every one on a variant that
        // computes groups == 1 only, every other one on the others.
        bool per_group = false;
        if (v->ungrouped && c.pr.p.groups != 1) {
            // Compiled for groups == 1 only: refused up front with its reason, output untouched.
            ASSERT_FALSE(st.ok);
            ASSERT_NE(st.message.find("computes groups == 1 only"), std::string::npos) << st.message;
            for (float e : c.out) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
            per_group = true;
        } else if (c.pr.p.groups != 1 && i % 2 == 1) {
            per_group = true;
        }
        if (per_group) {
            Options split = opt;
            split.per_group = true;
            st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, split, &info);
        }
        if (!computes(c.pr)) {
            // Another stride than the compiled-in one, an even dilation for an odd-only variant,
            // another geometry than an `only` variant's, rows an in-place variant cannot read, or
            // fewer channels than a staged variant's block: refused up front, output untouched.
            ASSERT_FALSE(st.ok);
            // (the runtime's order of checks: stride, odd dilation, geometry, x's rows, channels)
            const bool even = v->odd_dilation && c.pr.p.dilation % 2 == 0;
            const char *why = !computes_stride(c.pr.p.stride) ? "computes stride"
                              : even                           ? "computes odd dilations only"
                              : !computes_geometry(c.pr)       ? "computes K = "
                              : !x_aligned(c.pr)               ? "reads x in place as 16-byte vectors"
                              : !whole_channel_block(c.pr)     ? "(its last channel block is shifted inwards)"
                              : v->window_any_dilation()       ? "taps a phase (K <= "
                                                               : "taps a phase with the dilation dividing the stride";
            ASSERT_NE(st.message.find(why), std::string::npos) << st.message;
            for (float e : c.out) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
            ++refused_stride;
            continue;
        }
        if (v->autoscheduled && !st.ok && st.message.find("is accessed at") != std::string::npos) {
            // Untiled-tail schedule of the autoscheduler: too small a problem fails Halide's bounds
            // checks before any work.
            for (float e : c.out) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
            continue;
        }
        if (!st.ok && st.message.find("bytes of shared memory per block") != std::string::npos) {
            // Its weights (and staged outputs) do not fit in shared memory for this problem: refused
            // up front.
            ASSERT_TRUE(v->stage_w || v->stage_out) << st.message;
            for (float e : c.out) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
            continue;
        }
        ASSERT_TRUE(st.ok) << st.message << " for " << c.pr.str();
        ASSERT_EQ(info.variant, name);
        ASSERT_EQ(info.per_group, per_group);
        ASSERT_TRUE(c.check(c.out)) << "case " << i << (per_group ? " (per group) " : " ") << c.pr.str();
        ++ran;
        ran_per_group += per_group;
        ran_compiled_in += compiled_in;
        ran_chunks += chunks;
        ran_full_taps += c.pr.p.dilation == 1 && c.pr.K == full * c.pr.p.stride && c.pr.p.groups == 1;
        ran_three_taps += c.pr.p.dilation == 1 && c.pr.K == 3 * c.pr.p.stride;
        ran_dilated += c.pr.p.dilation / std::gcd(c.pr.p.stride, c.pr.p.dilation) > 1;  // x's step between taps > 1
    }
    if (v->window_any_dilation()) {
        EXPECT_GE(ran_dilated, kCases / 20) << "too few problems whose taps step more than 1 in x (the dilation not "
                                               "dividing the stride) ran on "
                                            << name;
    }
    if (v->general()) {
        EXPECT_GE(ran_full_taps, kCases / 10) << "too few problems with " << full << " taps a phase at dilation 1 ran on "
                                              << name;
    }
    if (v->device == Device::CPU && v->general() && v->phase_taps == 0) {  // (a window of two taps refuses them)
        EXPECT_GE(ran_three_taps, kCases / 20) << "too few problems with three taps a phase at dilation 1 ran on " << name;
    }
    if (!v->autoscheduled) {  // (which refuses the random problems: see below)
        EXPECT_GE(ran_per_group, kCases / 10) << "too few grouped problems ran once per group on " << name;
    }
    if (v->split_ci > 0) {
        EXPECT_GE(ran_chunks, kCases / 6) << "too few problems over several input-channel chunks ran on " << name;
    }
    if (v->taps > 0 || v->padding >= 0) {
        EXPECT_GE(ran_compiled_in, kCases / 4) << "too few problems reached the compiled-in path of " << name;
    }
    if (!v->autoscheduled) {
        // Wider channels than the random problems reach (a staged stride-2 build once wrote out of
        // bounds at C_in 64 × C_out 256 only): one such problem at the variant's stride.
        Problem pr{1, 64, 256, 4, 100, Params{}, true};
        pr.p.stride = v->stride > 0 ? v->stride : 2;
        pr.p.padding = 1;
        if (v->phase_taps > 0) pr.K = std::min<int64_t>(pr.K, v->phase_taps * pr.p.stride);  // (its class)
        if (v->only) {  // at its geometry
            pr.K = v->taps;
            pr.p.stride = std::max(v->stride, 1);
            pr.p.dilation = v->dil;
            pr.p.padding = v->padding;
        }
        Case c(pr, rng);
        const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, opt);
        ASSERT_TRUE(st.ok) << st.message << " for " << c.pr.str();
        ASSERT_TRUE(c.check(c.out)) << c.pr.str();
    }
    if (v->autoscheduled) {
        // tuned for B 32 and whole tiles: a problem of that kind, which it must compute exactly
        Problem pr{32, 8, 64, 5, 300, Params{}, false};
        pr.p.dilation = 3;
        Case c(pr, rng);
        const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, opt);
        ASSERT_TRUE(st.ok) << st.message;
        ASSERT_TRUE(c.check(c.out));
        ++ran;
    } else {
        // Another stride than a compiled-in one in about one in six problems (one in five is drawn at
        // any stride); a staged variant refuses the widest problems (shared memory).
        // (an in-place variant: three in five at its geometry with aligned rows)
        // (a class compiled in, phase_taps: four in five drawn inside it, the fifth at any)
        const int expected = v->stride > 0 || in_place ? kCases * 3 / 5 - kCases / 20
                             : v->stage_w             ? kCases * 3 / 4
                             : v->phase_taps > 0      ? kCases * 4 / 5
                                                      : kCases;
        EXPECT_GE(ran, expected) << "too few of the random problems ran on " << name;
    }
    if (v->stride > 0) {
        EXPECT_GT(refused_stride, 0) << "no problem checked that " << name << " refuses other strides";
    }
    std::printf("[ variant  ] %s: %d of %d random problems ran and matched float64 (%d of them once per group)\n",
                name.c_str(), ran, kCases, ran_per_group);
}

INSTANTIATE_TEST_SUITE_P(Library, EveryVariant, ::testing::ValuesIn([] {
                             std::vector<std::string> names;
                             for (const VariantInfo &v : variants()) names.push_back(v.name);
                             return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string> &i) { return i.param; });

TEST(Runtime, ChoosesAVariantForTheDeviceItRunsOn) {
    std::mt19937_64 rng(test_seed() + 1);
    for (int i = 0; i < 50; ++i) {
        Case c(random_problem(rng), rng);
        RunInfo info;
        const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, {}, &info);
        ASSERT_TRUE(st.ok) << st.message;
        EXPECT_EQ(info.device, cuda_available() ? Device::CUDA : Device::CPU);
        EXPECT_NE(info.choice, "explicit");
        ASSERT_TRUE(c.check(c.out));
    }
}

TEST(Runtime, LibraryHoldsACpuVariantAndAtLeastSixCudaVariants) {
    if (!has_cuda_variants()) GTEST_SKIP() << kNoCudaVariants;
    int cpu = 0, cuda = 0;
    for (const VariantInfo &v : variants()) (v.device == Device::CPU ? cpu : cuda)++;
    EXPECT_GE(cpu, 1);
    EXPECT_GE(cuda, 6);
}

// An inf or a NaN in x reaches the outputs whose sums PyTorch gives it a term in, and no others:
// each output is of the float64 reference's kind (NaN, the same infinity, or finite and close). Where
// the phases' tap counts differ (K not a multiple of the step between a phase's taps: K = 2·stride + 1,
// or a dilation sharing a factor with the stride), a slot past a phase's last tap summed on a zero
// weight would make 0 · inf = NaN at outputs PyTorch computes finite. The closed form by phase sums each
// phase's own taps (the generator's own_tap). On the CPU: the runtime's call (whose ranking leaves out
// the variants that would sum such a slot), a Layer, and each CPU variant but the tested form `cpu` where
// K passes the stride and is not a multiple of it (its slots: README, guarantees), the windows (`*_w2`)
// where the layer fits their class. (The CUDA variants keep their slots.)
TEST(NonFinite, InfAndNaNInXReachOnlyTheOutputsTheirTermsReach) {
    std::mt19937_64 rng(test_seed() + 4);
    struct Geometry {
        int64_t K, stride, padding, dilation, groups, cin_g, cout_g;
    };
    const Geometry geometries[] = {
        {7, 3, 2, 1, 1, 4, 3},    // K = 2·stride + 1: one phase of three taps, two of two
        {11, 5, 3, 1, 2, 4, 3},   // the same at stride 5, grouped
        {5, 4, 1, 2, 1, 4, 3},    // dilation 2 at stride 4: step 2, phases of three taps and of two
        {7, 4, 3, 1, 1, 4, 3},    // K = 2·stride − 1: phases of two taps and of one (a w2 window: a slot skipped)
        {5, 4, 2, 1, 1, 4, 3},    // K = stride + 1: one phase of two taps, three of one (a w2 window too)
        {3, 1, 1, 2, 1, 4, 3},    // stride 1: every phase all K taps (no slot to skip; the kinds still checked)
        {3, 2, 3, 3, 1, 2, 65},   // two input channels: the cost model ranks the tested form (cpu) first,
                                  // whose slots past a phase's last tap leave it out of the ranking here
    };
    Options on_cpu;
    on_cpu.device = Device::CPU;
    int checked = 0;
    for (const Geometry &g : geometries) {
        Problem pr{2, g.cin_g * g.groups, g.cout_g * g.groups, g.K, 40, Params{}, true};
        pr.p.stride = g.stride, pr.p.padding = g.padding, pr.p.dilation = g.dilation, pr.p.groups = g.groups;
        Case c(pr, rng);
        const int64_t L = pr.L_in;
        c.x[size_t((0 * pr.C_in + 1) * L + L / 3)] = std::numeric_limits<float>::infinity();
        c.x[size_t((1 * pr.C_in + 0) * L + L / 2)] = -std::numeric_limits<float>::infinity();
        c.x[size_t((1 * pr.C_in + pr.C_in - 1) * L + 5)] = std::numeric_limits<float>::quiet_NaN();
        c.compute_reference();
        int infinite = 0, nan = 0, finite = 0;
        for (double r : c.ref) ++(std::isnan(r) ? nan : std::isinf(r) ? infinite : finite);
        ASSERT_GT(infinite, 0) << "the inputs reach no output as an infinity: " << pr.str();
        ASSERT_GT(nan, 0) << "the NaN reaches no output: " << pr.str();
        ASSERT_GT(finite, 0) << pr.str();
        auto kinds_match = [&](const std::vector<float> &got, const std::string &what) -> ::testing::AssertionResult {
            for (size_t i = 0; i < c.ref.size(); ++i) {
                const double r = c.ref[i], v = got[i];
                const bool ok = std::isnan(r)   ? std::isnan(v)
                                : std::isinf(r) ? v == r
                                                : std::isfinite(v) && std::abs(v - r) <= 1e-5 * c.ref_abs[i] + 1e-6;
                if (!ok) {
                    return ::testing::AssertionFailure() << what << ": output " << i << " is " << v << ", float64 "
                                                         << r << " (" << pr.str() << ")";
                }
            }
            return ::testing::AssertionSuccess();
        };
        RunInfo info;
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, on_cpu, &info);
        ASSERT_TRUE(st.ok) << st.message;
        EXPECT_TRUE(kinds_match(c.out, "the runtime's CPU call (" + info.variant + ")"));
        Layer layer;
        ASSERT_TRUE(Layer::create(c.tw, c.bias_ptr(), c.pr.p, on_cpu, &layer).ok);
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        st = layer.forward(c.tx, c.to, &info);
        ASSERT_TRUE(st.ok) << st.message;
        EXPECT_TRUE(kinds_match(c.out, "a Layer (" + info.variant + ")"));
        const int64_t step = g.stride / std::gcd(g.stride, g.dilation);
        for (const VariantInfo &v : variants()) {
            // (the tested form where its slots pass a phase's taps: K past the stride and not a multiple;
            // a window where the layer is of its class: at most phase_taps taps a phase, x's tap step 1)
            const bool slots = v.family == "cpu" && g.K > g.stride && g.K % g.stride != 0;
            const bool window_fits = g.dilation == g.stride / step && (g.K + step - 1) / step <= v.phase_taps;
            if (v.device != Device::CPU || slots || (v.phase_taps > 0 && !window_fits)) continue;
            std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
            st = c.run(v.name, Device::CPU);
            ASSERT_TRUE(st.ok) << v.name << ": " << st.message;
            EXPECT_TRUE(kinds_match(c.out, v.name));
            ++checked;
        }
    }
    EXPECT_GE(checked, int(std::size(geometries)) + 3) << "cpu_phase ran every geometry, cpu those without slots, the windows theirs";
}

TEST(Reference, ScatterAndGatherFormsAgree) {
    // The two reference forms are written independently; they must agree to rounding.
    std::mt19937_64 rng(test_seed() + 2);
    for (int i = 0; i < 100; ++i) {
        Case c(random_problem(rng), rng);
        const int64_t L_out = c.pr.L_out();
        for (int64_t b = 0; b < c.pr.B; ++b) {
            for (int64_t co = 0; co < c.pr.C_out; ++co) {
                for (int64_t l = 0; l < L_out; ++l) {
                    const double g = reference::output_at(c.tx, c.tw, c.bias_ptr(), c.pr.p, b, co, l);
                    ASSERT_NEAR(g, c.ref[size_t((b * c.pr.C_out + co) * L_out + l)], 1e-9) << c.pr.str();
                }
            }
        }
    }
}

TEST(Reference, KnownSmallCase) {
    // torch.nn.functional.conv_transpose1d(x=[[[1,2,3]]], w=[[[1,10]]], stride=2, padding=0) = [[[1,10,2,20,3,30]]]
    const float x[] = {1, 2, 3}, w[] = {1, 10};
    Params p;
    p.stride = 2;
    const auto out = reference::conv_transpose1d(contiguous(x, 1, 1, 3), contiguous(w, 1, 1, 2), nullptr, p);
    EXPECT_EQ(out, (std::vector<double>{1, 10, 2, 20, 3, 30}));
}

TEST(Runtime, KnownSmallCaseThroughTheLibrary) {
    // dilation 2, padding 1, output_padding 1: L_out = (3-1)*2 - 2 + 2*(2-1) + 1 + 1 = 6
    const float x[] = {1, 2, 3}, w[] = {1, 10}, bias[] = {0.5f};
    float out[6];
    Params p;
    p.stride = 2, p.padding = 1, p.dilation = 2, p.output_padding = 1;
    ASSERT_EQ(output_length(3, 2, p), 6);
    const Status st =
        conv_transpose1d(contiguous(x, 1, 1, 3), contiguous(w, 1, 1, 2), bias, contiguous(out, 1, 1, 6), p);
    ASSERT_TRUE(st.ok) << st.message;
    // positions before padding: i*2 + k*2 -> {0,2,4} + {0,2}: t=0:1, t=2:2+10, t=4:3+20, t=6:30; l = t - 1
    const float want[] = {0.5f, 12.5f, 0.5f, 23.5f, 0.5f, 30.5f};
    for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(out[i], want[i]) << "l=" << i;
}

}  // namespace
}  // namespace convt1d::test
