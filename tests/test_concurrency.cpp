// Concurrent calls: 8 threads × 1,000 calls of mixed shapes through the runtime (on the device the
// runtime picks), each result bit-identical to the same call made single-threaded.
#include "test_util.h"

#include "internal.h"

#include <atomic>
#include <cstring>
#include <set>
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
                // (on the CPU, threads resize the thread pools to 1, 2 and 3 threads as they go)
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

// A CPU call of c's problem with o (right against float64), then one per value with set(o, value): each
// the same bits as the first, and, where layer_too, through a Layer made with those options (right
// against float64: its prepared weights are read by another twin of the variant).
template <typename T, typename Set>
void same_bits_for_each(Case &c, Options o, std::initializer_list<T> values, Set set, bool layer_too) {
    o.device = Device::CPU;
    // the plan held: a Layer's first forward would measure and record a choice (Options::autotune), which
    // the calls after it would follow, another plan's bits
    o.autotune = false;
    ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o).ok);
    ASSERT_TRUE(c.check(c.out)) << c.pr.str();
    const std::vector<float> first = c.out;
    for (const T &v : values) {
        set(o, v);
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o).ok);
        EXPECT_EQ(std::memcmp(c.out.data(), first.data(), c.out.size() * sizeof(float)), 0) << v << ", " << c.pr.str();
        if (!layer_too) continue;
        Layer layer;
        ASSERT_TRUE(Layer::create(c.tw, c.bias_ptr(), c.pr.p, o, &layer).ok);
        std::fill(c.out.begin(), c.out.end(), std::numeric_limits<float>::quiet_NaN());
        ASSERT_TRUE(layer.forward(c.tx, c.to).ok);
        EXPECT_TRUE(c.check(c.out)) << "Layer, " << v << ", " << c.pr.str();
    }
}

// Options o refused by a call (before any work: the output untouched) and, where layer_too, by
// Layer::create, each with `rule` in its message.
void refused(Case &c, const Options &o, const std::string &rule, bool layer_too) {
    const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find(rule), std::string::npos) << st.message;
    for (float e : c.out) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
    if (!layer_too) return;
    Layer layer;
    const Status sl = Layer::create(c.tw, c.bias_ptr(), c.pr.p, o, &layer);
    EXPECT_FALSE(sl.ok);
    EXPECT_NE(sl.message.find("Layer::create: " + rule), std::string::npos) << sl.message;
}

// Options::cpu_threads sizes the thread pools: the same bits at 1, 2, 5 and 64 threads as with the
// pool left alone, and a negative count refused with its rule before any work. The CPU variant's tasks
// follow the threads at strides above 1 (schedules/cpu_phase.cpp: chunks of positions shortened to give
// 8 tasks a thread), so 64 threads cut every row of those problems into its shortest chunks, whose
// last one a row's end cuts short; a chunk lost or computed twice differs from the pool's result.
TEST(Threads, CpuThreadsChangeTheSpeedNotTheResult) {
    std::mt19937_64 rng(test_seed() + 210);
    for (int i = 0; i < 10; ++i) {
        Problem pr = random_problem(rng);
        pr.L_in = std::max<int64_t>(pr.L_in, 200);  // several tasks for the pool
        if (i >= 6) {  // two taps a phase (the vocoders' nest) and a stride of the general nest, one row
            pr = Problem{1, 16, 13, i % 2 ? 8 : 6, 517 + i, Params{}, true};
            pr.p.stride = i % 2 ? 4 : 3;
            pr.p.padding = i % 3;
        }
        Case c(pr, rng);
        same_bits_for_each(c, Options{}, {1, 2, 5, 64}, [](Options &o, int n) { o.cpu_threads = n; }, false);
    }
    Case c(random_problem(rng), rng);
    Options o;
    o.cpu_threads = -1;
    refused(c, o, "Options::cpu_threads must be >= 0", false);
}

// Options::cpu_cache_bytes sizes the CPU variant's chunks of positions (schedules/cpu_phase.cpp: a chunk's
// x rows and a block's weights in half of it): the same bits at a cache of 1 byte (every chunk one tile
// of each phase, a row cut into many), 16 KiB, 1 MiB and 1 GiB (the caps) as with the machine's, and
// through a Layer (prepared weights) right against float64; a negative size refused with its rule
// before any work, by a call and by Layer::create. A chunk lost, computed twice or cut at the wrong
// position differs.
TEST(Cache, CpuCacheBytesChangeTheChunksNotTheResult) {
    std::mt19937_64 rng(test_seed() + 230);
    for (int i = 0; i < 8; ++i) {
        Problem pr = random_problem(rng);
        pr.L_in = std::max<int64_t>(pr.L_in, 300);  // rows of several chunks at the small caches
        if (i >= 4) {  // two taps a phase (the vocoders' nest), stride 1 and above, more input channels
            pr = Problem{2, 96 + i, 13, 2 * (i - 3), 700 + i, Params{}, true};
            pr.p.stride = i - 3;
            pr.p.padding = i % 3;
        }
        Case c(pr, rng);
        same_bits_for_each(c, Options{}, {int64_t(1), int64_t(16) << 10, int64_t(1) << 20, int64_t(1) << 30},
                           [](Options &o, int64_t b) { o.cpu_cache_bytes = b; }, true);
    }
    Case c(random_problem(rng), rng);
    Options o;
    o.cpu_cache_bytes = -1;
    refused(c, o, "Options::cpu_cache_bytes must be >= 0", true);
}

// The library's pool for the CPU variants' parallel loops (runtime/src/thread_pool.cpp).
// Its thread count for one test, set back to the machine's cores however the test ends.
struct PoolThreads {
    explicit PoolThreads(int n) { set(n); }
    ~PoolThreads() { set(int(std::max(1u, std::thread::hardware_concurrency()))); }
    void set(int n) { detail::thread_pool_set_threads(n); }
};

struct PoolLoop {
    std::vector<std::atomic<int>> runs;
    int fail_at = -1;  // the task that returns an error
    std::mutex ids_mutex;
    std::set<std::thread::id> ids;
    explicit PoolLoop(int n) : runs(size_t(n)) {}
    static int task(void *, int i, uint8_t *closure) {
        auto *l = reinterpret_cast<PoolLoop *>(closure);
        l->runs[size_t(i)].fetch_add(1);
        {
            std::lock_guard<std::mutex> lk(l->ids_mutex);
            l->ids.insert(std::this_thread::get_id());
        }
        return i == l->fail_at ? 7 : 0;
    }
    int run(int min, int size) { return detail::thread_pool_par_for(nullptr, &task, min, size, reinterpret_cast<uint8_t *>(this)); }
    int runs_not_once() const {
        int bad = 0;
        for (const auto &r : runs) bad += r.load() != 1;
        return bad;
    }
};

TEST(ThreadPool, EveryTaskRunsOnceLoopAfterLoopAndAnErrorComesBack) {
    PoolThreads threads(4);
    for (int loop = 0; loop < 300; ++loop) {  // loop after loop: workers still holding the last one
        const int n = 1 + loop % 97 * 11;
        PoolLoop l(n + 5);
        ASSERT_EQ(l.run(5, n), 0);
        EXPECT_EQ(l.runs[0].load() + l.runs[4].load(), 0) << "tasks below min ran";
        for (int i = 5; i < n + 5; ++i) ASSERT_EQ(l.runs[size_t(i)].load(), 1) << "loop " << loop << " task " << i;
    }
    PoolLoop failing(1000);
    failing.fail_at = 123;
    EXPECT_EQ(failing.run(0, 1000), 7);
    EXPECT_EQ(failing.runs[123].load(), 1);
}

// Tiny loops back to back on many threads, each a task or two longer than the one before it: a worker
// still holding the last ticket of a finished loop must not claim a task of the next one while its
// caller is still writing it (H200 host run 94: a worker read the next loop's size before its ticket
// was published and claimed a task past the finished loop's end, which then counted towards the next
// loop's done; the caller returned with a task unfinished: cpu_phase_w2_k16 left an output unwritten,
// once in a whole test binary at 16 threads). Every task of every loop runs once before its loop
// returns.
TEST(ThreadPool, ABackToBackLoopNeverCountsATaskOfTheLoopBefore) {
    PoolThreads threads(int(std::max(16u, std::thread::hardware_concurrency())));
    for (int loop = 0; loop < 200000; ++loop) {
        const int n = 1 + loop % 3;
        PoolLoop l(n);
        ASSERT_EQ(l.run(0, n), 0);
        for (int i = 0; i < n; ++i) ASSERT_EQ(l.runs[size_t(i)].load(), 1) << "loop " << loop << " task " << i;
    }
}

TEST(ThreadPool, ALoopUsesAtMostItsThreadCount) {
    PoolThreads pool(1);
    for (int threads : {1, 2}) {
        pool.set(threads);
        PoolLoop l(20000);
        ASSERT_EQ(l.run(0, 20000), 0);
        EXPECT_EQ(l.runs_not_once(), 0);
        EXPECT_LE(int(l.ids.size()), threads);
        if (threads == 1) EXPECT_EQ(*l.ids.begin(), std::this_thread::get_id()) << "one thread: the caller's";
    }
}

struct NestedLoop {
    PoolLoop outer{64}, inner{64 * 50};
    static int task(void *, int i, uint8_t *closure) {
        auto *n = reinterpret_cast<NestedLoop *>(closure);
        n->outer.runs[size_t(i)].fetch_add(1);
        // a loop inside a task: the pool is busy with the outer one, so it runs on Halide's pool
        return n->inner.run(i * 50, 50);
    }
};

TEST(ThreadPool, LoopsFromSeveralCallersAndNestedLoopsAllRun) {
    PoolThreads threads(4);
    constexpr int kCallers = 6;
    std::vector<std::unique_ptr<NestedLoop>> loops;
    for (int t = 0; t < kCallers; ++t) loops.push_back(std::make_unique<NestedLoop>());
    std::vector<std::thread> callers;
    std::vector<int> results(kCallers, -1);
    for (int t = 0; t < kCallers; ++t) {
        callers.emplace_back([&, t] {
            results[size_t(t)] = detail::thread_pool_par_for(nullptr, &NestedLoop::task, 0, 64,
                                                             reinterpret_cast<uint8_t *>(loops[size_t(t)].get()));
        });
    }
    for (std::thread &c : callers) c.join();
    for (int t = 0; t < kCallers; ++t) {
        EXPECT_EQ(results[size_t(t)], 0);
        EXPECT_EQ(loops[size_t(t)]->outer.runs_not_once(), 0) << "caller " << t;
        EXPECT_EQ(loops[size_t(t)]->inner.runs_not_once(), 0) << "caller " << t;
    }
}

}  // namespace
}  // namespace convt1d::test
