// Concurrent calls: 8 threads × 1,000 calls of mixed shapes through the runtime (on the device the
// runtime picks), each result bit-identical to the same call made single-threaded.
#include "test_util.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace convt1d::test {
namespace {

TEST(Concurrency, EightThreadsGiveBitIdenticalResults) {
    constexpr int kThreads = 8, kCalls = 1000, kShapes = 16;
    std::mt19937_64 rng(test_seed() + 200);
    std::vector<std::unique_ptr<Case>> cases;
    std::vector<std::vector<float>> expect;
    for (int i = 0; i < kShapes; ++i) {
        Problem pr = random_problem(rng);
        pr.L_in = std::min<int64_t>(pr.L_in, 64);  // keep 8,000 calls quick
        if (pr.L_out() < 1) pr.p.padding = 0;
        cases.push_back(std::make_unique<Case>(pr, rng));
        Case &c = *cases.back();
        ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p).ok);
        expect.push_back(c.out);
    }
    std::vector<int> mismatches(kThreads, 0), failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::vector<std::vector<float>> outs(kShapes);
            for (int i = 0; i < kCalls; ++i) {
                const int k = (i * 7 + t) % kShapes;
                Case &c = *cases[size_t(k)];
                outs[k].assign(c.out.size(), std::numeric_limits<float>::quiet_NaN());
                Tensor to = c.to;
                to.data = outs[k].data();
                // (on the CPU, threads resize Halide's pool to 1, 2 and 3 threads as they go)
                Options o;
                o.cpu_threads = i % 4;
                if (!conv_transpose1d(c.tx, c.tw, c.bias_ptr(), to, c.pr.p, o).ok) {
                    ++failures[t];
                    continue;
                }
                // bit-identical, NaN poison in the row gaps included
                if (std::memcmp(outs[k].data(), expect[size_t(k)].data(), outs[k].size() * sizeof(float)) != 0) {
                    ++mismatches[t];
                }
            }
        });
    }
    for (auto &th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(failures[t], 0) << "thread " << t;
        EXPECT_EQ(mismatches[t], 0) << "thread " << t;
    }
    std::printf("[ threads  ] %d threads x %d calls on %s: %d failures, %d mismatches\n", kThreads, kCalls,
                cuda_available() ? "cuda" : "cpu", 0, 0);
}

TEST(Concurrency, EightThreadsWithTheirOwnStreamsOnDevicePointers) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    constexpr int kThreads = 8, kCalls = 1000;
    std::mt19937_64 rng(test_seed() + 300);
    Problem pr = random_problem(rng);
    pr.x_row_pad = pr.out_row_pad = 0;
    Case c(pr, rng);
    ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p).ok);  // host path: the expectation
    const std::vector<float> expect = c.out;
    std::vector<std::string> errors(kThreads);
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            Stream stream;
            DeviceBuffer dx, dw, db, dout;
            Status st = Stream::create(&stream);
            for (auto [buf, n] : {std::pair{&dx, c.x.size()}, std::pair{&dw, c.w.size()},
                                  std::pair{&db, c.bias.size()}, std::pair{&dout, c.out.size()}}) {
                if (st) st = DeviceBuffer::allocate(n, buf);
            }
            if (st) st = dx.upload(c.x.data(), c.x.size());
            if (st) st = dw.upload(c.w.data(), c.w.size());
            if (st) st = db.upload(c.bias.data(), c.bias.size());
            Options o;
            o.cuda_stream = stream.get();
            o.variant = "cuda_l128_c4_g";  // every thread the same kernel: results must be bit-identical
            ConstTensor gx = c.tx, gw = c.tw;
            Tensor go = c.to;
            gx.data = dx.data(), gw.data = dw.data(), go.data = dout.data();
            std::vector<float> got(c.out.size());
            for (int i = 0; i < kCalls && st; ++i) {
                st = conv_transpose1d_device(gx, gw, c.pr.bias ? db.data() : nullptr, go, c.pr.p, o);
                if (st && i % 100 == 99) {
                    st = synchronize(stream.get());
                    if (st) st = dout.download(got.data(), got.size());
                    if (st && std::memcmp(got.data(), expect.data(), got.size() * 4) != 0) {
                        // CUDA and CPU sum in different orders: compare to the first CUDA result instead
                        static std::mutex mu;
                        static std::vector<float> first;
                        std::lock_guard<std::mutex> lock(mu);
                        if (first.empty()) first = got;
                        if (std::memcmp(got.data(), first.data(), got.size() * 4) != 0) ++mismatches[t];
                    }
                }
            }
            if (!st) errors[t] = st.message;
        });
    }
    for (auto &th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(errors[t], "") << "thread " << t;
        EXPECT_EQ(mismatches[t], 0) << "thread " << t;
    }
}

// Options::cpu_threads sizes Halide's pool: the same bits at 1, 2 and 5 threads as with the pool
// left alone, and a negative count refused with its rule before any work.
TEST(Threads, CpuThreadsChangeTheSpeedNotTheResult) {
    std::mt19937_64 rng(test_seed() + 210);
    for (int i = 0; i < 6; ++i) {
        Problem pr = random_problem(rng);
        pr.L_in = std::max<int64_t>(pr.L_in, 200);  // several tasks for the pool
        Case c(pr, rng);
        Options o;
        o.device = Device::CPU;
        ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o).ok);
        ASSERT_TRUE(c.check(c.out)) << c.pr.str();
        const std::vector<float> pool_default = c.out;
        for (int threads : {1, 2, 5}) {
            std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
            o.cpu_threads = threads;
            ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o).ok);
            EXPECT_EQ(std::memcmp(c.out.data(), pool_default.data(), c.out.size() * sizeof(float)), 0)
                << threads << " threads, " << c.pr.str();
        }
    }
    Case c(random_problem(rng), rng);
    Options o;
    o.cpu_threads = -1;
    const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find("Options::cpu_threads must be >= 0"), std::string::npos) << st.message;
    for (float e : c.out) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
}

}  // namespace
}  // namespace convt1d::test
