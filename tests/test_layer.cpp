// convt1d::Layer: weights held, and on the CPU prepared once, for many calls. Its forward must be
// conv_transpose1d with those weights: the same variant, the same result bit for bit, and float64's
// within 1e-5.
#include "test_util.h"

#include "internal.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>

namespace convt1d::test {
namespace {

Options cpu() {
    Options o;
    o.device = Device::CPU;
    return o;
}

// A layer made from a case's weights and bias, on the CPU.
Layer layer_of(const Case &c, const Options &opt = cpu()) {
    Layer layer;
    const Status st = Layer::create(c.tw, c.bias_ptr(), c.pr.p, opt, &layer);
    EXPECT_TRUE(st.ok) << st.message << " (" << c.pr.str() << ")";
    return layer;
}

// The random problems of the property tests through a Layer: float64's within 1e-5, and bit for bit
// what conv_transpose1d returns with the same weights (the same plan, the prepared weights read where
// that plan is the general CPU variant over all groups).
TEST(Layer, ForwardIsTheCallWithPreparedWeights) {
    std::mt19937_64 rng(test_seed() + 70);
    int prepared_calls = 0;
    const int n = 300;
    for (int i = 0; i < n; ++i) {
        Case c(random_problem(rng), rng);
        const Layer layer = layer_of(c);
        RunInfo info;
        const Status st = layer.forward(c.tx, c.to, &info);
        ASSERT_TRUE(st.ok) << st.message << " (" << c.pr.str() << ")";
        ASSERT_TRUE(c.check(c.out));
        std::vector<float> got = c.out;
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        RunInfo direct;
        ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, cpu(), &direct).ok);
        EXPECT_EQ(info.variant, direct.variant) << c.pr.str();
        EXPECT_EQ(info.per_group, direct.per_group) << c.pr.str();
        EXPECT_FALSE(direct.prepared_weights);
        // the call prepares them itself for the same variant (per group, too), unless the layer could not
        EXPECT_EQ(direct.weights_prepared_in_call, takes_prepared(direct.variant) && layer.prepared()) << c.pr.str();
        ASSERT_EQ(0, std::memcmp(got.data(), c.out.data(), got.size() * sizeof(float)))
            << "forward and conv_transpose1d differ (" << info.variant << (info.prepared_weights ? ", prepared" : "")
            << ") for " << c.pr.str();
        // prepared where the layer holds them and the plan is their variant over all groups at once
        EXPECT_EQ(info.prepared_weights,
                  layer.prepared() && takes_prepared(info.variant) && !(info.per_group && c.pr.p.groups > 1))
            << c.pr.str();
        prepared_calls += info.prepared_weights;
    }
    // about half of these problems run the general CPU variant over all groups (the rest: the other
    // CPU family, or depthwise groups once each), so many calls read prepared weights
    EXPECT_GE(prepared_calls, n / 4);
}

// One layer, many inputs: batches and lengths it was not made for, a grouped layer, two taps a phase
// (K = 2·stride, the vocoders', also at the codecs' strides 5 and 6, and three taps at stride 3: on the
// CPU each of those strides its own loop nest, schedules/cpu_phase.cpp) and a dilation that leaves
// phases without taps.
TEST(Layer, OneLayerServesEveryBatchAndLength) {
    std::mt19937_64 rng(test_seed() + 71);
    struct Geometry {
        int64_t C_in, C_out, K, stride, padding, dilation, groups;
    };
    for (const Geometry g : {Geometry{64, 48, 16, 8, 4, 1, 1}, Geometry{32, 32, 3, 1, 1, 1, 4},
                             Geometry{12, 20, 5, 2, 3, 2, 1}, Geometry{24, 36, 4, 2, 1, 1, 3},
                             Geometry{40, 24, 10, 5, 3, 1, 1}, Geometry{24, 16, 12, 6, 3, 1, 1},
                             Geometry{16, 24, 7, 3, 2, 1, 1}}) {
        Problem base{1, g.C_in, g.C_out, g.K, 1, Params{}, true};
        base.p.stride = g.stride, base.p.padding = g.padding, base.p.dilation = g.dilation, base.p.groups = g.groups;
        Case first(base, rng);
        const Layer layer = layer_of(first);
        EXPECT_TRUE(layer.prepared()) << base.str();
        for (const auto [B, L_in] : {std::pair<int64_t, int64_t>{1, 7}, {3, 130}, {2, 1000}}) {
            Problem pr = base;
            pr.B = B, pr.L_in = L_in;
            if (pr.L_out() < 1) continue;
            Case c(pr, rng);
            c.w = first.w, c.bias = first.bias;  // the layer's weights, so that float64 is of them
            c.compute_reference();
            RunInfo info;
            const Status st = layer.forward(c.tx, c.to, &info);
            ASSERT_TRUE(st.ok) << st.message << " (" << pr.str() << ")";
            EXPECT_TRUE(c.check(c.out)) << info.variant;
            EXPECT_EQ(info.prepared_weights, takes_prepared(info.variant) && !info.per_group) << pr.str();
        }
    }
}

// The layer keeps its own copy: the caller's weights may change or go after create.
TEST(Layer, HoldsItsOwnCopyOfTheWeights) {
    std::mt19937_64 rng(test_seed() + 72);
    Problem pr{2, 16, 16, 4, 50, Params{}, true};
    pr.p.stride = 2, pr.p.padding = 1;
    Case c(pr, rng);
    const Layer layer = layer_of(c);
    const std::vector<float> w = c.w, bias = c.bias;
    std::fill(c.w.begin(), c.w.end(), 7.0f);
    std::fill(c.bias.begin(), c.bias.end(), -3.0f);
    ASSERT_TRUE(layer.forward(c.tx, c.to).ok);
    c.w = w, c.bias = bias;
    EXPECT_TRUE(c.check(c.out));
    EXPECT_EQ(0, std::memcmp(layer.weights().data, w.data(), w.size() * sizeof(float)));
}

// A stride far beyond K: phases without taps would make the prepared copy many times w, so neither the
// layer nor conv_transpose1d prepares it: the variant gathers them in every call; still correct.
TEST(Layer, AStrideFarBeyondKIsNotPrepared) {
    std::mt19937_64 rng(test_seed() + 73);
    Problem pr{1, 8, 8, 2, 40, Params{}, false};
    pr.p.stride = 64;
    Case c(pr, rng);
    const Layer layer = layer_of(c);
    EXPECT_FALSE(layer.prepared());
    RunInfo info;
    ASSERT_TRUE(layer.forward(c.tx, c.to, &info).ok);
    EXPECT_FALSE(info.prepared_weights);
    EXPECT_TRUE(c.check(c.out));
    // nor does conv_transpose1d: the variant gathers them inside its own pipeline
    std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
    RunInfo direct;
    ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, cpu(), &direct).ok);
    EXPECT_EQ(direct.variant, "cpu_phase");
    EXPECT_FALSE(direct.weights_prepared_in_call);
    EXPECT_TRUE(c.check(c.out));
}

// A stride far past the row (one input position: L_out = K at any stride): the call cannot prepare the
// weights (their packed size grows with the stride), so the variant gathers them in its own pipeline, for
// the phases the output has. The pack generator's copy of w's rows, given to that pipeline too, spanned
// every tap the phases could reach there, stride × taps: Halide refused a 137 GB buffer (NOTES 64 (b)).
TEST(Layer, AStrideFarPastTheRowGathersOnlyThePhasesTheOutputHas) {
    std::mt19937_64 rng(test_seed() + 75);
    Problem pr{1, 64, 4, 3, 1, Params{}, true};
    pr.p.stride = 100000000;
    Case c(pr, rng);
    for (const std::string &name : {"cpu_phase", "cpu_phase_w2"}) {  // (w2: what the runtime chooses here)
        SCOPED_TRACE(name);
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        Options o = cpu();
        o.variant = name;
        RunInfo direct;
        const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o, &direct);
        ASSERT_TRUE(st.ok) << st.message;
        EXPECT_EQ(direct.variant, name);
        EXPECT_FALSE(direct.weights_prepared_in_call);
        EXPECT_TRUE(c.check(c.out));
    }
}

// Layers shared by 8 threads (forward is const, the prepared weights read-only): 8 × 200 calls over 6
// layers, each result bit-identical to the layer's single-threaded one.
TEST(Layer, SharedByEightThreads) {
    constexpr int kThreads = 8, kCalls = 200, kLayers = 6;
    std::mt19937_64 rng(test_seed() + 74);
    std::vector<std::unique_ptr<Case>> cases;
    std::vector<Layer> layers;
    std::vector<std::vector<float>> expect;
    int prepared = 0;
    for (int i = 0; i < kLayers; ++i) {
        Problem pr = random_problem(rng);
        pr.L_in = std::min<int64_t>(pr.L_in, 64);
        if (pr.L_out() < 1) pr.p.padding = 0;
        if (i == 0) {  // one that surely reads prepared weights: two taps a phase, one group
            pr = Problem{2, 16, 24, 4, 50, Params{}, true};
            pr.p.stride = 2, pr.p.padding = 1;
        }
        cases.push_back(std::make_unique<Case>(pr, rng));
        Case &c = *cases.back();
        layers.push_back(layer_of(c));
        RunInfo info;
        ASSERT_TRUE(layers.back().forward(c.tx, c.to, &info).ok);
        prepared += info.prepared_weights;
        expect.push_back(c.out);
    }
    std::vector<int> mismatches(kThreads, 0), failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::vector<float> out;
            for (int i = 0; i < kCalls; ++i) {
                const int k = (i * 5 + t) % kLayers;
                const Case &c = *cases[size_t(k)];
                out.assign(c.out.size(), std::numeric_limits<float>::quiet_NaN());
                Tensor to = c.to;
                to.data = out.data();
                if (!layers[size_t(k)].forward(c.tx, to).ok) {
                    ++failures[t];
                } else if (std::memcmp(out.data(), expect[size_t(k)].data(), out.size() * sizeof(float)) != 0) {
                    ++mismatches[t];
                }
            }
        });
    }
    for (auto &th : threads) th.join();
    EXPECT_GE(prepared, 1);
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(failures[t], 0) << "thread " << t;
        EXPECT_EQ(mismatches[t], 0) << "thread " << t;
    }
    std::printf("[ threads  ] %d threads x %d calls over %d layers (%d of them read prepared weights)\n", kThreads,
                kCalls, kLayers, prepared);
}

// A CPU Layer's measured choice: its first forward on a shape the tuning cache does not know times the
// model's first plan and every variant the layer prepared weights for (the lanes tile among them, which
// the model does not rank), runs the fastest and records it under the problem's key (the CPU's threads in
// it); later forwards, and conv_transpose1d on that problem, run the recorded plan: the same bits. With
// autotune off, the model's first and nothing recorded.
TEST(Layer, MeasuresItsPreparedVariantsOnceAndKeepsTheFastest) {
    int takers = 0;
    for (const VariantInfo &v : variants()) takers += v.device == Device::CPU && takes_prepared(v.name);
    if (takers < 2) GTEST_SKIP() << "this build has " << takers << " CPU variant(s) that read prepared weights";
    const NothingTuned own_cache;  // a fresh, empty cache for this test (the tests' own again after it)
    ASSERT_TRUE(own_cache.ok());
    const std::string path = tuning_cache_path();
    const std::string dir = path.substr(0, path.rfind('/'));
    auto lines = [&path] {
        std::vector<std::string> out;
        std::ifstream in(path);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    };
    std::mt19937_64 rng(test_seed() + 75);
    Problem pr{2, 32, 32, 3, 300, Params{}, true};
    pr.p.padding = 1;
    Case c(pr, rng);
    const Layer layer = layer_of(c);
    ASSERT_TRUE(layer.prepared());
    RunInfo first;
    ASSERT_TRUE(layer.forward(c.tx, c.to, &first).ok);
    EXPECT_TRUE(c.check(c.out)) << first.variant;
    EXPECT_EQ(first.choice, "tuned") << "a first forward measures its candidates";
    EXPECT_TRUE(takes_prepared(first.variant)) << first.variant;
    EXPECT_TRUE(first.prepared_weights);
    const std::vector<std::string> recorded = lines();
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_NE(recorded[0].find("|" + std::to_string(detail::thread_pool_threads()) + " threads|"), std::string::npos)
        << recorded[0];
    EXPECT_NE(recorded[0].find("\t" + first.variant + "\t"), std::string::npos) << recorded[0];
    const std::vector<float> got = c.out;
    for (int i = 0; i < 2; ++i) {
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        RunInfo again;
        if (i == 0) {
            ASSERT_TRUE(layer.forward(c.tx, c.to, &again).ok);
        } else {
            ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, cpu(), &again).ok);
        }
        EXPECT_EQ(again.choice, "tuned");
        EXPECT_EQ(again.variant, first.variant);
        EXPECT_EQ(0, std::memcmp(got.data(), c.out.data(), got.size() * sizeof(float))) << (i ? "the call" : "forward");
    }
    EXPECT_EQ(lines().size(), 1u) << "a known problem is not measured again";

    // the recorded plan is what runs: the other candidate written in its place is followed
    const std::string other = first.variant == "cpu_phase" ? "cpu_phase_cl" : "cpu_phase";
    if (variant_info(other)) {
        const size_t tab = recorded[0].find('\t');
        FILE *f = fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        fprintf(f, "%s\t%s\t1.0\n", recorded[0].substr(0, tab).c_str(), other.c_str());
        fclose(f);
        const std::string alias = dir + "/.." + dir.substr(dir.rfind('/')) + path.substr(path.rfind('/'));
        setenv("CONVT1D_TUNING_CACHE", alias.c_str(), 1);  // the cache reloads when its path changes
        RunInfo followed;
        ASSERT_TRUE(layer.forward(c.tx, c.to, &followed).ok);
        EXPECT_EQ(followed.variant, other);
        EXPECT_EQ(followed.choice, "tuned");
        EXPECT_TRUE(c.check(c.out)) << other;
        setenv("CONVT1D_TUNING_CACHE", path.c_str(), 1);
    }

    // autotune off, on another length: the model's first, nothing measured or recorded
    Options quiet = cpu();
    quiet.autotune = false;
    const Layer untuned = layer_of(c, quiet);
    Problem longer = pr;
    longer.L_in = 301;
    Case d(longer, rng);
    d.w = c.w, d.bias = c.bias;
    d.compute_reference();
    RunInfo info;
    ASSERT_TRUE(untuned.forward(d.tx, d.to, &info).ok);
    EXPECT_TRUE(d.check(d.out));
    EXPECT_EQ(info.choice, "heuristic");
    EXPECT_EQ(info.variant, choose_variant(d.tx, d.tw, d.pr.p, Device::CPU).variant);
    EXPECT_EQ(lines().size(), 1u);
}

// Bad arguments: create names the argument and the rule; forward checks x and out against the held
// weights and leaves out untouched when it refuses.
TEST(Layer, RefusesBadArgumentsWithTheRule) {
    std::vector<float> w(4 * 6 * 3, 0.5f), x(2 * 4 * 10, 1.0f), out(2 * 6 * 21, -1.0f);
    Params p;
    p.stride = 2;
    Layer layer;
    auto create_fails = [&](const ConstTensor &tw, const Params &pp, const std::string &rule) {
        Layer l;
        const Status st = Layer::create(tw, nullptr, pp, cpu(), &l);
        EXPECT_FALSE(st.ok) << rule;
        EXPECT_NE(st.message.find(rule), std::string::npos) << st.message;
    };
    create_fails(contiguous(w.data(), 4, 6, 0), p, "w.shape[2] (kernel_size) must be >= 1");
    Params bad = p;
    bad.stride = 0;
    create_fails(contiguous(w.data(), 4, 6, 3), bad, "stride must be >= 1");
    bad = p;
    bad.groups = 3;
    create_fails(contiguous(w.data(), 4, 6, 3), bad, "must be divisible by groups = 3");
    create_fails(contiguous(static_cast<const float *>(nullptr), 4, 6, 3), p, "w: data is a null pointer");

    EXPECT_FALSE(layer.forward(contiguous(x.data(), 2, 4, 10), contiguous(out.data(), 2, 6, 21)).ok);  // empty
    ASSERT_TRUE(Layer::create(contiguous(w.data(), 4, 6, 3), nullptr, p, cpu(), &layer).ok);
    const Status wrong_cin = layer.forward(contiguous(x.data(), 2, 5, 8), contiguous(out.data(), 2, 6, 17));
    EXPECT_FALSE(wrong_cin.ok);
    EXPECT_NE(wrong_cin.message.find("w.shape[0] (in_channels) must equal x.shape[1] = 5"), std::string::npos)
        << wrong_cin.message;
    const Status wrong_out = layer.forward(contiguous(x.data(), 2, 4, 10), contiguous(out.data(), 2, 6, 20));
    EXPECT_FALSE(wrong_out.ok);
    EXPECT_NE(wrong_out.message.find("out.shape must be [batch, out_channels, L_out] = [2, 6, 21]"), std::string::npos)
        << wrong_out.message;
    for (float v : out) ASSERT_EQ(v, -1.0f);
    ASSERT_TRUE(layer.forward(contiguous(x.data(), 2, 4, 10), contiguous(out.data(), 2, 6, 21)).ok);
    EXPECT_EQ(out[5], 0.5f * 4);  // l = 5: one tap (k = 1, x position 2) of every input channel
}

}  // namespace
}  // namespace convt1d::test
