// The tuning cache: for a problem key (shapes, hyper-parameters, device, library and Halide
// versions), the variant that measured fastest. Kept in memory under a mutex and persisted to a
// tab-separated file ($CONVT1D_TUNING_CACHE, default ~/.cache/convt1d/tuning.tsv), rewritten whole
// through a temporary file and a rename so that a concurrent reader never sees half a file.
// Lines that do not parse or name a variant this library lacks are dropped, never trusted.
#include "internal.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace convt1d::detail {
namespace {

struct Cache {
    std::mutex mu;
    std::string loaded_from;  // the path the entries came from; another path reloads
    std::map<std::string, std::pair<std::string, double>> entries;  // key -> (variant, ms)
};

Cache &cache() {
    static Cache c;  // the library's one piece of mutable global state, guarded by c.mu
    return c;
}

void load_locked(Cache &c) {
    const std::string path = tuning_cache_path();
    if (c.loaded_from == path) return;
    c.loaded_from = path;
    c.entries.clear();
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string key, variant, ms;
        if (!std::getline(ss, key, '\t') || !std::getline(ss, variant, '\t') || !std::getline(ss, ms)) continue;
        char *end = nullptr;
        const double t = std::strtod(ms.c_str(), &end);
        if (!parse_plan(variant).v || end == ms.c_str() || !(t > 0)) continue;  // stale or corrupt: drop
        c.entries[key] = {variant, t};
    }
}

void save_locked(const Cache &c) {
    const std::string path = tuning_cache_path();
    const auto slash = path.rfind('/');
    if (slash != std::string::npos) {
        // mkdir -p of the parent folders; failures surface as the open below failing
        for (size_t i = 1; i <= slash; ++i) {
            if (i == slash || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
        }
    }
    const std::string tmp = path + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) return;  // an unwritable cache only costs re-tuning in the next process
        for (const auto &[key, v] : c.entries) out << key << '\t' << v.first << '\t' << v.second << '\n';
    }
    std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

std::string tuning_cache_path() {
    if (const char *p = std::getenv("CONVT1D_TUNING_CACHE"); p && *p) return p;
    const char *home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.cache/convt1d/tuning.tsv";
}

std::string tuning_key(const ConstTensor &x, const ConstTensor &w, const Params &p, Device d) {
    // Built on every call that the runtime chooses for: appends, no stream.
    std::string k;
    k.reserve(160);
    // the device: the GPU's name; on the CPU the threads a loop uses (the ranking of the CPU's tiles
    // changes with them: NOTES 53 (f))
    k.append(to_string(d)).append("|").append(d == Device::CUDA ? cuda_driver_device_name()
                                                                : std::to_string(thread_pool_threads()) + " threads");
    k.append("|convt1d ").append(version()).append("|halide ").append(halide_version());
    auto dims = [&k](const char *name, const std::array<int64_t, 3> &s) {
        k.append(name).append(std::to_string(s[0])).append("x").append(std::to_string(s[1])).append("x").append(
            std::to_string(s[2]));
    };
    dims("|x ", x.shape);
    dims("|w ", w.shape);
    for (auto [name, v] : {std::pair{"|s", p.stride}, std::pair{" p", p.padding}, std::pair{" op", p.output_padding},
                           std::pair{" d", p.dilation}, std::pair{" g", p.groups}}) {
        k.append(name).append(std::to_string(v));
    }
    return k;
}

bool tuned_variant(const std::string &key, std::string *variant) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    load_locked(c);
    auto it = c.entries.find(key);
    if (it == c.entries.end()) return false;
    *variant = it->second.first;
    return true;
}

void record_tuning(const std::string &key, const std::string &variant, double ms) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    load_locked(c);
    c.entries[key] = {variant, ms};
    save_locked(c);
}

}  // namespace convt1d::detail
