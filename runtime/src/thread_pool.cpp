// The CPU variants' parallel loops on a pool whose idle threads spin before they sleep.
//
// Halide's own pool puts a worker to sleep on a condition variable the moment it finds no task, so
// each parallel loop of a call (x's zero-extended copy, the weights' gather, the output's tasks)
// wakes its workers again. On the H200 machine's 16 cores (a Firecracker VM) Halide's profiler put
// the calling thread "waiting for parallel tasks" 0.4-0.5 ms a call whatever the shape's size (26-45 %
// of dac_up1_cpu, kb64_cpu and wide_cpu; NOTES 32 (e)), where oneDNN's OpenMP threads wait actively.
// Here a worker spins for kSpin after its last task before it sleeps, so the loops of one call
// find their workers awake (the gaps between them are microseconds; 0.5 ms also covers calls made
// back to back). Measured against Halide's pool in one call (run 44, 16 threads): 5-30 % faster on
// every CPU shape of the suite (kb74_cpu 0.63 -> 0.49 ms, wide_cpu 1.25 -> 0.96, dac_up1_cpu 1.77 ->
// 1.45); at 2 threads level.
//
// One loop at a time runs on this pool; a loop that arrives while it is busy (another caller
// thread's call, or a loop nested in a task) runs on Halide's pool instead, so that any number of
// callers stay correct. Each task index is claimed once through a ticket that carries the loop's
// generation, so a worker still holding an older loop can never claim a task of a newer one; and a
// finished loop's ticket is closed before the next loop is written (run()).
// CONVT1D_THREAD_POOL=halide in the environment keeps Halide's pool (runtime/src/convt1d.cpp).
#include "internal.h"

#include "HalideRuntime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <unistd.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define CONVT1D_PAUSE() _mm_pause()
#else
#define CONVT1D_PAUSE() std::this_thread::yield()
#endif

namespace convt1d::detail {
namespace {

constexpr auto kSpin = std::chrono::microseconds(500);  // a worker's active wait after its last task
constexpr uint32_t kClosed = 0x7fffffff;  // a finished loop's ticket index: past any loop's size

int default_threads() {
    for (const char *name : {"HL_NUM_THREADS", "HL_NUMTHREADS"}) {
        if (const char *v = std::getenv(name); v && std::atoi(v) > 0) return std::atoi(v);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

class SpinPool {
public:
    void set_threads(int n) { threads_.store(std::max(1, n)); }
    int threads() const { return threads_.load(); }

    // halide_do_par_for's contract: run f(user_context, i, closure) for i in [min, min + size), return
    // the first non-zero result (or 0).
    int run(void *uc, halide_task_t f, int min, int size, uint8_t *closure) {
        if (size <= 0) return 0;
        bool idle = false;
        if (!busy_.compare_exchange_strong(idle, true, std::memory_order_acquire)) {
            return halide_default_do_par_for(uc, f, min, size, closure);  // another loop is on the pool
        }
        const int threads = threads_.load();
        int result = 0;
        if (threads <= 1 || size == 1) {
            for (int i = min; i < min + size && result == 0; ++i) result = f(uc, i, closure);
        } else {
            grow(threads - 1);
            uc_ = uc;
            f_ = f;
            closure_ = closure;
            min_ = min;
            size_.store(size, std::memory_order_relaxed);
            participants_.store(threads, std::memory_order_relaxed);
            done_.store(0, std::memory_order_relaxed);
            error_.store(0, std::memory_order_relaxed);
            const uint32_t gen = generation_ + 1;
            generation_ = gen;
            ticket_.store(uint64_t(gen) << 32, std::memory_order_seq_cst);  // publishes the fields above
            if (sleepers_.load() > 0) {
                std::lock_guard<std::mutex> lk(sleep_mutex_);
                wake_.notify_all();
            }
            work(gen);
            while (done_.load(std::memory_order_acquire) < size) CONVT1D_PAUSE();
            result = error_.load();
            // Closed before the next loop's fields are written: a worker still holding this loop's last
            // ticket, (gen, size), checks it against size_, which the next loop rewrites before it
            // publishes its own ticket; had the ticket stayed (gen, size), such a worker could read the
            // next loop's larger size, claim (gen, size) and run a task of the next loop with its
            // half-written fields, counted towards the next loop's done (its caller then returned with a
            // task unfinished). Closed, that claim fails and the index is past any loop's size.
            ticket_.store((uint64_t(gen) << 32) | kClosed, std::memory_order_seq_cst);
        }
        busy_.store(false, std::memory_order_release);
        return result;
    }

private:
    // Claim and run loop gen's tasks until none is left (or the ticket belongs to another loop).
    void work(uint32_t gen) {
        uint64_t t = ticket_.load(std::memory_order_acquire);
        for (;;) {
            if (uint32_t(t >> 32) != gen || int(uint32_t(t)) >= size_.load(std::memory_order_relaxed)) return;
            if (!ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel)) continue;
            // the task is ours: loop gen is not finished, so its fields are still the ones published
            if (error_.load(std::memory_order_relaxed) == 0) {
                if (const int r = f_(uc_, min_ + int(uint32_t(t)), closure_); r != 0) {
                    int zero = 0;
                    error_.compare_exchange_strong(zero, r);
                }
            }
            done_.fetch_add(1, std::memory_order_acq_rel);
            t = ticket_.load(std::memory_order_acquire);
        }
    }

    // Workers up to the loop's count; where the system refuses a thread, the loop runs on the ones there
    // are (the caller claims whatever no worker does).
    void grow(int workers) {
        try {
            for (; spawned_ < workers; ++spawned_) {
                const int index = spawned_;
                std::thread([this, index] { worker(index); }).detach();  // the pool lives as long as the process
            }
        } catch (const std::system_error &) {
        }
    }

    void worker(int index) {
        uint32_t seen = uint32_t(ticket_.load(std::memory_order_acquire) >> 32);
        auto idle_since = std::chrono::steady_clock::now();
        for (;;) {
            const uint32_t gen = uint32_t(ticket_.load(std::memory_order_acquire) >> 32);
            if (gen != seen) {
                seen = gen;
                // a loop for fewer threads than the pool has: the workers past its count stay out
                if (index + 1 < participants_.load(std::memory_order_relaxed)) work(gen);
                idle_since = std::chrono::steady_clock::now();
                continue;
            }
            if (std::chrono::steady_clock::now() - idle_since < kSpin) {
                CONVT1D_PAUSE();
                continue;
            }
            std::unique_lock<std::mutex> lk(sleep_mutex_);
            sleepers_.fetch_add(1);
            wake_.wait(lk, [&] { return uint32_t(ticket_.load() >> 32) != seen; });
            sleepers_.fetch_sub(1);
            idle_since = std::chrono::steady_clock::now();
        }
    }

    std::atomic<bool> busy_{false};  // one loop at a time, held by its caller for the loop's length
    // the loop: written by its caller before the ticket is published, read by a worker after it has
    // claimed one of the loop's tasks (size_ and participants_ also before, hence atomic)
    void *uc_ = nullptr;
    halide_task_t f_ = nullptr;
    uint8_t *closure_ = nullptr;
    int min_ = 0;
    std::atomic<int> size_{0}, participants_{0};
    uint32_t generation_ = 0;          // the caller's count of loops (under busy_)
    std::atomic<uint64_t> ticket_{0};  // generation << 32 | the next task index
    std::atomic<int> done_{0}, error_{0};
    std::atomic<int> threads_{default_threads()};
    int spawned_ = 0;  // (under busy_)
    std::mutex sleep_mutex_;
    std::condition_variable wake_;
    std::atomic<int> sleepers_{0};
};

SpinPool &pool() {
    static SpinPool *p = new SpinPool;  // never destroyed: its detached workers outlive static destruction
    return *p;
}

extern "C" int convt1d_do_par_for(void *uc, halide_task_t f, int min, int size, uint8_t *closure) {
    return pool().run(uc, f, min, size, closure);
}

}  // namespace

void thread_pool_install() { halide_set_custom_do_par_for(&convt1d_do_par_for); }

void thread_pool_set_threads(int n) {
    pool().set_threads(n);
    halide_set_num_threads(n);  // Halide's pool too: the loops this one hands over, and CONVT1D_THREAD_POOL=halide
}

int thread_pool_threads() { return pool().threads(); }

int32_t cpu_l2_bytes() {
    static const int32_t bytes = [] {
#ifdef _SC_LEVEL2_CACHE_SIZE
        const long b = sysconf(_SC_LEVEL2_CACHE_SIZE);
        return b > 0 && b <= INT32_MAX ? int32_t(b) : 0;
#else
        return 0;
#endif
    }();
    return bytes;
}

int thread_pool_par_for(void *user_context, int (*task)(void *, int, uint8_t *), int min, int size, uint8_t *closure) {
    return convt1d_do_par_for(user_context, task, min, size, closure);
}

}  // namespace convt1d::detail
