// The CPU variants are multi-target libraries (schedules/CMakeLists.txt: AVX-512, AVX2 + FMA, SSE4.1):
// Halide's wrapper asks halide_can_use_target_features about each instruction set but the last and
// runs the first of its list (most specific first) that the CPU has; its choice is kept for the life
// of the process. Refusing
// the upper ones here, before the first call, stands in for an older CPU: the same binary must then
// run the lower code and still match float64. Run once per level (tests/CMakeLists.txt):
//   convt1d_dispatch_test 0   the CPU's own best (AVX-512 where it has it)
//   convt1d_dispatch_test 1   AVX-512 refused: the AVX2 + FMA code
//   convt1d_dispatch_test 2   AVX-512 and AVX2 refused: the SSE4.1 code
#include "test_util.h"

#include <HalideRuntime.h>

#include <cstdio>
#include <mutex>

namespace {

struct Asked {
    bool avx512, avx2, accepted;
};

std::mutex g_mutex;
int g_refuse = 0;
std::vector<Asked> g_asked;

bool has(int count, const uint64_t *features, halide_target_feature_t f) {
    const int word = int(f) / 64;
    return word < count && ((features[word] >> (int(f) % 64)) & 1) != 0;
}

int refusing_filter(int count, const uint64_t *features) {
    std::lock_guard<std::mutex> lock(g_mutex);
    const bool avx512 = has(count, features, halide_target_feature_avx512);
    const bool avx2 = has(count, features, halide_target_feature_avx2);
    const bool refused = (g_refuse >= 1 && avx512) || (g_refuse >= 2 && avx2);
    const bool accepted = !refused && halide_default_can_use_target_features(count, features) != 0;
    g_asked.push_back({avx512, avx2, accepted});
    return accepted ? 1 : 0;
}

}  // namespace

int main(int argc, char **argv) {
    using namespace convt1d;
    using namespace convt1d::test;
    g_refuse = argc > 1 ? std::atoi(argv[1]) : 0;
    halide_set_custom_can_use_target_features(refusing_filter);
    // what this CPU has, asked of Halide's own test
    uint64_t avx512_set[(halide_target_feature_end + 63) / 64] = {};
    avx512_set[halide_target_feature_avx512 / 64] |= uint64_t(1) << (halide_target_feature_avx512 % 64);
    const bool cpu_avx512 = halide_default_can_use_target_features(int(std::size(avx512_set)), avx512_set) != 0;
    std::mt19937_64 rng(test_seed() + 40);
    int failures = 0;
    for (const char *name : {"cpu", "cpu_phase", "cpu_phase_cl"}) {
        if (!variant_info(name)) {
            std::printf("dispatch: no variant %s\n", name);
            return 1;
        }
        g_asked.clear();
        Problem pr{2, 16, 24, 4, 300, Params{}, true};
        pr.p.stride = 2;
        pr.p.padding = 1;
        Case c(pr, rng);
        Options opt;
        opt.device = Device::CPU;
        opt.variant = name;
        RunInfo info;
        const Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, opt, &info);
        const bool matched = st.ok && bool(c.check(c.out));
        // The code that ran: the most specific set accepted (the wrapper asks about every set, in an
        // order of its own, and takes the first of its list, most specific first, that it may use);
        // SSE4.1, the last, is never asked about.
        bool avx512_ok = false, avx2_ok = false;
        for (const Asked &a : g_asked) {
            if (a.accepted && a.avx512) avx512_ok = true;
            if (a.accepted && a.avx2 && !a.avx512) avx2_ok = true;
        }
        const char *code = avx512_ok ? "AVX-512" : avx2_ok ? "AVX2" : "SSE4.1";
        const char *want = g_refuse >= 2 ? "SSE4.1" : g_refuse == 1 || !cpu_avx512 ? "AVX2" : "AVX-512";
        // Each library asks about both sets once: cpu_phase's calls run two (its pack pipeline, then the
        // twin that reads what it prepared), which must agree on the block of channels as a Layer's do.
        const size_t libraries = info.weights_prepared_in_call ? 2 : 1;
        const bool asked_both = g_asked.size() == 2 * libraries;
        const bool prepared_as_expected = info.weights_prepared_in_call == takes_prepared(name);
        const bool ok = matched && std::string(code) == want && asked_both && prepared_as_expected;
        std::printf("dispatch: %s refusing level %d: weights prepared in the call %d, asked about %zu sets "
                    "(AVX-512, AVX2 + FMA expected of each of %zu libraries), ran the %s code (expected %s), %s "
                    "float64\n",
                    name, g_refuse, int(info.weights_prepared_in_call), g_asked.size(), libraries, code, want,
                    matched ? "matches" : ("does NOT match: " + st.message).c_str());
        failures += !ok;
    }
    // A Layer's prepared weights at this level: its preparing pipeline and the variant that reads them
    // are two libraries, each dispatching on its own, and must agree on the block of channels (8 lanes
    // with AVX-512, 4 below; cpu_phase_cl's calls above, 16 and 8).
    {
        Problem pr{2, 16, 24, 16, 100, Params{}, true};
        pr.p.stride = 8;
        pr.p.padding = 4;
        Case c(pr, rng);
        Layer layer;
        Options opt;
        opt.device = Device::CPU;
        Status st = Layer::create(c.tw, c.bias_ptr(), c.pr.p, opt, &layer);
        RunInfo info;
        if (st.ok) st = layer.forward(c.tx, c.to, &info);
        const bool matched = st.ok && bool(c.check(c.out));
        const bool ok = matched && layer.prepared() && info.prepared_weights;
        std::printf("dispatch: Layer refusing level %d: prepared %d, read by %s %d, %s float64\n", g_refuse,
                    int(layer.prepared()), info.variant.c_str(), int(info.prepared_weights),
                    matched ? "matches" : ("does NOT match: " + st.message).c_str());
        failures += !ok;
    }
    std::printf(failures ? "dispatch: FAILED\n" : "dispatch: ok\n");
    return failures ? 1 : 0;
}
