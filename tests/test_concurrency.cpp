// Concurrent calls: 8 threads × 1,000 calls of mixed shapes through the runtime (on the device the
// runtime picks), each result bit-identical to the same call made single-threaded.
#include "test_util.h"

#include <cstring>
#include <memory>
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
                if (!conv_transpose1d(c.tx, c.tw, c.bias_ptr(), to, c.pr.p).ok) {
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

}  // namespace
}  // namespace convt1d::test
