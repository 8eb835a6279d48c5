// convt1d: the library's command line.
//   convt1d run [--shape NAME | --batch B --cin C --cout C --kernel K --length L ...] [--device D] [--variant V]
//   convt1d variants      what the library holds
//   convt1d shapes        the suite's shapes (bench/shapes.csv)
#include "convt1d/convt1d.h"
#include "convt1d/reference.h"
#include "shapes.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace convt1d;

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: convt1d run [--shape NAME [--file PATH]] [--batch N] [--cin N] [--cout N] [--kernel N] [--length N]\n"
                 "                   [--stride N] [--padding N] [--output-padding N] [--dilation N] [--groups N]\n"
                 "                   [--bias] [--device auto|cpu|cuda] [--variant NAME [--per-group]] [--reps N]\n"
                 "                   [--samples N] [--threads N] [--cache-bytes N] [--layer]\n"
                 "                   --cache-bytes: the L2 a core has, that the CPU variants size their chunks\n"
                 "                   by (0: the machine's)\n"
                 "                   --layer: through a convt1d::Layer (weights held, on the CPU prepared once\n"
                 "                   before the timed calls; host pointers)\n"
                 "                   --file: the shapes' file (bench/shapes.csv's format; default the suite's),\n"
                 "                   for --shape here and in tune and rank\n"
                 "       convt1d tune [--shape NAME] [--file PATH] [--device auto|cpu|cuda]\n"
                 "                   measure the plans on the suite's shapes of the device, recorded in the\n"
                 "                   tuning cache (the CPU's through a Layer, its weights prepared)\n"
                 "       convt1d rank [--shape NAME] [--file PATH] [--device cpu|cuda] [problem flags as for run]\n"
                 "                   the cost model's ranking of the plans (what an untuned call runs)\n"
                 "       convt1d variants\n"
                 "       convt1d shapes [--file PATH]\n");
    return 2;
}

std::vector<tools::Shape> suite(const std::string &file) { return tools::load_shapes(file); }

int cmd_variants() {
    std::printf("%-36s %-6s %7s %6s %7s %-7s %-8s %-13s %-7s %-17s %-9s %s\n", "variant", "device", "tile_l", "reg_l",
                "reg_co", "groups", "x", "weights", "out", "compiled-in", "registers", "stride");
    for (const VariantInfo &v : variants()) {
        // A compiled-in fast path (filter length or padding, with a dilation), and/or "odd" for a
        // variant that refuses even dilations, "only" for one that computes that geometry alone.
        std::string fixed = v.taps > 0      ? "K=" + std::to_string(v.taps) + ",dilation=" + std::to_string(v.dil)
                            : v.padding >= 0 ? "padding=" + std::to_string(v.padding) + ",dilation=" + std::to_string(v.dil)
                                             : std::string();
        if (v.only) fixed += ",padding=" + std::to_string(v.padding);
        if (v.odd_dilation) fixed += fixed.empty() ? "dilation=odd" : ",odd";
        if (v.only) fixed += ",only";
        if (v.phase_taps > 0) fixed += "phase_taps<=" + std::to_string(v.phase_taps);  // (a class, no geometry)
        if (v.tap_classes) fixed += ",classes";  // (its phases in two kernels by their taps)
        if (fixed.empty()) fixed = "-";
        const std::string stride = v.stride > 0 ? std::to_string(v.stride) : v.only ? "1" : "any";
        // x: zero-extended first ("padded"), read with boundary tests ("direct"), or read in place
        // as aligned vectors, the row ends left to another variant ("in-place")
        const char *x = v.pad_x ? "padded" : v.in_place() ? "in-place" : "direct";
        // out: stored by the threads that compute it ("direct") or through shared memory ("shared"; by
        // phase planes: "planes"); on the CPU, cpu_phase's tile with its channels in the lanes ("lanes")
        std::printf("%-36s %-6s %7d %6d %7d %-7s %-8s %-13s %-7s %-17s %-9d %s\n", v.name.c_str(),
                    to_string(v.device), v.tile_l, v.reg_l, v.reg_co, v.ungrouped ? "1-only" : "any", x,
                    v.autoscheduled ? "Anderson2021" : v.stage_w ? "shared" : "global",
                    v.stage_out == 2 ? "planes" : v.stage_out ? "shared" : v.lanes ? "lanes" : "direct",
                    fixed.c_str(), v.max_regs,
                    stride.c_str());
    }
    std::printf("CUDA device: %s\n", cuda_available() ? cuda_device_name().c_str() : "none");
    std::printf("convt1d %s, Halide %s\n", version(), halide_version());
    return 0;
}

int cmd_shapes(const std::string &file) {
    std::printf("%-12s %4s %5s %5s %3s %7s %3s %3s %3s %3s %3s %4s %8s %10s\n", "name", "B", "C_in", "C_out", "K",
                "L_in", "s", "p", "op", "d", "g", "where", "L_out", "GFLOP");
    for (const tools::Shape &s : suite(file)) {
        std::printf("%-12s %4lld %5lld %5lld %3lld %7lld %3lld %3lld %3lld %3lld %3lld %4s %8lld %10.3f\n",
                    s.name.c_str(), (long long)s.B, (long long)s.C_in, (long long)s.C_out, (long long)s.K,
                    (long long)s.L_in, (long long)s.p.stride, (long long)s.p.padding, (long long)s.p.output_padding,
                    (long long)s.p.dilation, (long long)s.p.groups, s.where.c_str(), (long long)s.L_out(),
                    s.useful_flops() * 1e-9);
    }
    return 0;
}

// A plan as the runtime names it: the variant, and "per group" when it ran once per group.
std::string plan_text(const std::string &variant, bool per_group) {
    return variant + (per_group ? " per group" : "");
}

// Tunes the suite's shapes of the device (or one --shape): on a GPU a device-pointer call a shape, which
// measures the plans the cost model ranks first; on the CPU (no GPU, or --device cpu) a Layer's first
// forward, which measures the model's first plan beside the variants whose weights the Layer prepared.
// Either records the fastest in the tuning cache.
int cmd_tune(const std::map<std::string, std::string> &a, const std::string &file) {
    const std::string dev = a.count("device") ? a.at("device") : "auto";
    if (dev != "auto" && dev != "cpu" && dev != "cuda") throw std::invalid_argument("--device must be auto, cpu or cuda, got '" + dev + "'");
    const bool gpu = dev == "cuda" || (dev == "auto" && cuda_available());
    if (gpu && !cuda_available()) {
        std::fprintf(stderr, "convt1d tune: --device cuda, but no CUDA device is available\n");
        return 1;
    }
    std::vector<tools::Shape> shapes;
    for (const tools::Shape &s : suite(file)) {
        if (a.count("shape") ? s.name == a.at("shape") : s.where == (gpu ? "gpu" : "cpu")) shapes.push_back(s);
    }
    std::printf("tuning %zu shape(s) on %s; cache %s\n", shapes.size(), gpu ? cuda_device_name().c_str() : "the CPU",
                tuning_cache_path().c_str());
    int done = 0, failed = 0;
    for (const tools::Shape &s : shapes) {
        const int64_t cout_g = s.C_out / s.p.groups, L_out = s.L_out();
        std::vector<float> x(size_t(s.B * s.C_in * s.L_in), 0.5f), w(size_t(s.C_in * cout_g * s.K), 0.25f);
        RunInfo info;
        const auto t0 = std::chrono::steady_clock::now();
        Status st;
        if (gpu) {
            DeviceBuffer dx, dw, dout;
            st = DeviceBuffer::allocate(x.size(), &dx);
            if (st) st = DeviceBuffer::allocate(w.size(), &dw);
            if (st) st = DeviceBuffer::allocate(size_t(s.B * s.C_out * L_out), &dout);
            if (st) st = dx.upload(x.data(), x.size());
            if (st) st = dw.upload(w.data(), w.size());
            if (st) {
                st = conv_transpose1d_device(contiguous(std::as_const(dx).data(), s.B, s.C_in, s.L_in),
                                             contiguous(std::as_const(dw).data(), s.C_in, cout_g, s.K), nullptr,
                                             contiguous(dout.data(), s.B, s.C_out, L_out), s.p, {}, &info);
            }
            if (st) st = synchronize();
        } else {
            Options o;
            o.device = Device::CPU;
            std::vector<float> out(size_t(s.B * s.C_out * L_out));
            Layer layer;
            st = Layer::create(contiguous(std::as_const(w).data(), s.C_in, cout_g, s.K), nullptr, s.p, o, &layer);
            if (st) {
                st = layer.forward(contiguous(std::as_const(x).data(), s.B, s.C_in, s.L_in),
                                   contiguous(out.data(), s.B, s.C_out, L_out), &info);
            }
        }
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ++done;
        failed += !st;
        const int bar = 30 * done / int(shapes.size());
        std::printf("[%.*s%*s] %d/%zu %-12s -> %s (%s, %.1f s)\n", bar, "##############################", 30 - bar, "",
                    done, shapes.size(), s.name.c_str(),
                    st ? plan_text(info.variant, info.per_group).c_str() : st.message.c_str(),
                    st ? info.choice.c_str() : "failed", sec);
    }
    return failed ? 1 : 0;
}

// A whole-number flag's value: the whole text an integer in int64's range, else an error that names
// the flag (std::stoll took "12abc" as 12 and said only "stoll" for "abc").
void num_flag(const std::map<std::string, std::string> &a, const char *k, int64_t &v) {
    if (!a.count(k)) return;
    const std::string &t = a.at(k);
    int64_t r = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), r);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
        throw std::invalid_argument(std::string("--") + k + " expects an integer, got '" + t + "'");
    }
    v = r;
}

// The problem the flags describe: --shape NAME from the suite, else the default (a kb79-like problem
// scaled to finish in seconds on a 2-core CPU), each size or parameter flag replacing its value; a flag
// that breaks a rule throws std::invalid_argument naming it, before anything is allocated.
bool problem_from_flags(const std::map<std::string, std::string> &a, const std::string &file, tools::Shape *out) {
    tools::Shape s;
    s.name = "default";
    s.B = 4, s.C_in = 32, s.C_out = 64, s.K = 3, s.L_in = 16384;
    s.p.stride = 2, s.p.padding = 1, s.p.dilation = 2;
    if (a.count("shape")) {
        const auto shapes = suite(file);
        const tools::Shape *f = tools::find_shape(shapes, a.at("shape"));
        if (!f) {
            std::fprintf(stderr, "convt1d: no shape '%s' in %s\n", a.at("shape").c_str(), file.c_str());
            return false;
        }
        s = *f;
    }
    num_flag(a, "batch", s.B), num_flag(a, "cin", s.C_in), num_flag(a, "cout", s.C_out), num_flag(a, "kernel", s.K);
    num_flag(a, "length", s.L_in), num_flag(a, "stride", s.p.stride), num_flag(a, "padding", s.p.padding);
    num_flag(a, "output-padding", s.p.output_padding), num_flag(a, "dilation", s.p.dilation);
    num_flag(a, "groups", s.p.groups);
    // each size flag's own rule first, named by its flag
    const std::pair<const char *, int64_t> sizes[] = {{"--batch (batch)", s.B},
                                                      {"--cin (in_channels)", s.C_in},
                                                      {"--cout (out_channels)", s.C_out},
                                                      {"--kernel (kernel_size)", s.K},
                                                      {"--length (the input's length)", s.L_in}};
    for (const auto &[flag, v] : sizes) {
        if (v < 1) throw std::invalid_argument(std::string(flag) + " must be >= 1, got " + std::to_string(v));
    }
    if (s.p.groups < 1 || s.C_out % s.p.groups != 0 || s.C_in % s.p.groups != 0) {
        throw std::invalid_argument("--groups = " + std::to_string(s.p.groups) + " must be >= 1 and divide --cin = " +
                                    std::to_string(s.C_in) + " and --cout = " + std::to_string(s.C_out));
    }
    // then the library's rules on the shapes alone, before anything is allocated
    const float *none = nullptr;
    float *none_out = nullptr;
    const Status st = validate_shapes(contiguous(none, s.B, s.C_in, s.L_in),
                                      contiguous(none, s.C_in, s.C_out / s.p.groups, s.K),
                                      contiguous(none_out, s.B, s.C_out, std::max<int64_t>(s.L_out(), 1)), s.p);
    if (!st) throw std::invalid_argument(st.message);
    *out = s;
    return true;
}

// The cost model's ranking of the plans for a problem (shapes only; nothing runs).
int cmd_rank(const std::map<std::string, std::string> &a, const std::string &file) {
    tools::Shape s;
    if (!problem_from_flags(a, file, &s)) return 2;
    const std::string dev = a.count("device") ? a.at("device") : "cuda";
    const Device d = dev == "cpu" ? Device::CPU : Device::CUDA;
    // shapes only: views with no data behind them
    const float *none = nullptr;
    const ConstTensor x = contiguous(none, s.B, s.C_in, s.L_in);
    const ConstTensor w = contiguous(none, s.C_in, s.C_out / s.p.groups, s.K);
    const std::vector<RankedPlan> ranked = rank_plans(x, w, s.p, d);
    std::printf("%s on %s: %zu plans, the cost model's estimate (the first is the untuned choice)\n", s.name.c_str(),
                to_string(d), ranked.size());
    for (size_t i = 0; i < ranked.size() && i < (a.count("all") ? ranked.size() : size_t(12)); ++i) {
        std::printf("%2zu %10.4f ms  %s\n", i + 1, ranked[i].estimated_ms,
                    plan_text(ranked[i].variant, ranked[i].per_group).c_str());
    }
    return 0;
}

int cmd_run(const std::map<std::string, std::string> &a, bool with_bias, const std::string &file) {
    tools::Shape s;
    if (!problem_from_flags(a, file, &s)) return 2;
    int64_t reps = 10, samples = 4096, threads = 0, cache_bytes = 0;
    num_flag(a, "reps", reps), num_flag(a, "samples", samples), num_flag(a, "threads", threads);
    num_flag(a, "cache-bytes", cache_bytes);
    if (reps < 1 || samples < 1) throw std::invalid_argument("--reps and --samples must be >= 1");
    if (threads < 0 || threads > 4096) throw std::invalid_argument("--threads must be 0..4096 (0: HL_NUM_THREADS or all cores)");

    Options opt;
    const std::string dev = a.count("device") ? a.at("device") : "auto";
    if (dev == "cpu") opt.device = Device::CPU;
    else if (dev == "cuda") opt.device = Device::CUDA;
    else if (dev != "auto") return usage();
    if (a.count("variant")) opt.variant = a.at("variant");
    opt.per_group = a.count("per-group") != 0;
    opt.cpu_threads = int(threads);
    opt.cpu_cache_bytes = cache_bytes;  // (a negative value: the runtime's error)
    const bool cuda = opt.device == Device::CUDA || (opt.device == Device::Auto && cuda_available());

    const int64_t C_out = s.C_out, L_out = s.L_out();
    const int64_t cout_g = C_out / s.p.groups;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> U(-1.f, 1.f);
    auto fill = [&](std::vector<float> &v) {
        for (float &e : v) e = U(rng);
    };
    std::vector<float> x(size_t(std::max<int64_t>(0, s.B * s.C_in * s.L_in)));
    std::vector<float> w(size_t(std::max<int64_t>(0, s.C_in * cout_g * s.K)));
    std::vector<float> bias(static_cast<size_t>(C_out), 0.0f);
    std::vector<float> out(size_t(std::max<int64_t>(0, s.B * C_out * std::max<int64_t>(L_out, 0))),
                           std::numeric_limits<float>::quiet_NaN());
    fill(x), fill(w), fill(bias);
    const float *b = with_bias ? bias.data() : nullptr;
    const ConstTensor tx = contiguous(std::as_const(x).data(), s.B, s.C_in, s.L_in);
    const ConstTensor tw = contiguous(std::as_const(w).data(), s.C_in, cout_g, s.K);
    const Tensor to = contiguous(out.data(), s.B, C_out, L_out);

    std::printf("problem %s: B %lld, C_in %lld, C_out %lld, K %lld, L_in %lld -> L_out %lld, stride %lld, padding "
                "%lld, output_padding %lld, dilation %lld, groups %lld, bias %s\n",
                s.name.c_str(), (long long)s.B, (long long)s.C_in, (long long)C_out, (long long)s.K, (long long)s.L_in,
                (long long)L_out, (long long)s.p.stride, (long long)s.p.padding, (long long)s.p.output_padding,
                (long long)s.p.dilation, (long long)s.p.groups, with_bias ? "yes" : "no");
    if (Status st = validate(tx, tw, b, to, s.p); !st) {
        std::fprintf(stderr, "convt1d: %s\n", st.message.c_str());
        return 1;
    }

    // One call, timed `reps` times after a warm-up; on CUDA on device-resident data (through a Layer:
    // host pointers on any device).
    RunInfo info;
    std::vector<double> ms;
    Status st;
    auto timed = [&](const auto &call) {
        for (int64_t r = 0; r <= reps && st; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            st = call();
            auto t1 = std::chrono::steady_clock::now();
            if (r > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
    };
    if (a.count("layer")) {
        Layer layer;
        st = Layer::create(tw, b, s.p, opt, &layer);
        timed([&] { return layer.forward(tx, to, &info); });
    } else if (cuda) {
        opt.device = Device::CUDA;
        DeviceBuffer dx, dw, db, dout;
        for (auto [buf, src, n] : {std::tuple{&dx, x.data(), x.size()}, std::tuple{&dw, w.data(), w.size()},
                                   std::tuple{&db, bias.data(), bias.size()}, std::tuple{&dout, out.data(), out.size()}}) {
            if (!(st = DeviceBuffer::allocate(n, buf)) || !(st = buf->upload(src, n))) break;
        }
        if (st) {
            ConstTensor gx = tx, gw = tw;
            Tensor go = to;
            gx.data = dx.data(), gw.data = dw.data(), go.data = dout.data();
            const float *gb = with_bias ? db.data() : nullptr;
            timed([&] {
                Status call = conv_transpose1d_device(gx, gw, gb, go, s.p, opt, &info);
                return call ? synchronize(opt.cuda_stream) : call;
            });
            if (st) st = dout.download(out.data(), out.size());
        }
    } else {
        timed([&] { return conv_transpose1d(tx, tw, b, to, s.p, opt, &info); });
    }
    if (!st) {
        std::fprintf(stderr, "convt1d: %s\n", st.message.c_str());
        return 1;
    }

    // Check: every element written (no NaN poison left), sampled elements against float64.
    size_t unwritten = std::count_if(out.begin(), out.end(), [](float v) { return std::isnan(v); });
    std::uniform_int_distribution<int64_t> pick(0, int64_t(out.size()) - 1);
    double num2 = 0, den2 = 0;
    for (int64_t i = 0; i < samples; ++i) {
        const int64_t e = pick(rng), l = e % L_out, co = (e / L_out) % C_out, bb = e / (L_out * C_out);
        const double ref = reference::output_at(tx, tw, b, s.p, bb, co, l);
        num2 += (out[size_t(e)] - ref) * (out[size_t(e)] - ref);
        den2 += ref * ref;
    }
    const double rel = den2 > 0 ? std::sqrt(num2 / den2) : std::sqrt(num2);
    const bool ok = unwritten == 0 && rel <= 1e-5;

    std::sort(ms.begin(), ms.end());
    const double med = ms.empty() ? 0 : ms[ms.size() / 2];
    const double gbs = s.bytes_once(with_bias) / (med * 1e-3) * 1e-9;
    const double gflops = s.useful_flops() / (med * 1e-3) * 1e-9;
    std::printf("device %s%s%s, variant %s (%s choice)%s\n", to_string(info.device),
                info.device == Device::CUDA ? " " : "", info.device == Device::CUDA ? cuda_device_name().c_str() : "",
                plan_text(info.variant, info.per_group).c_str(), info.choice.c_str(),
                info.prepared_weights           ? ", weights prepared by the Layer"
                : info.weights_prepared_in_call ? ", weights prepared in the call"
                                                : "");
    std::printf("time %.4f ms (median of %lld%s), %.1f GB/s moved once, %.1f GFLOP/s useful\n", med, (long long)reps,
                cuda && !a.count("layer") ? ", device-resident data, host clock around call + sync" : "", gbs, gflops);
    std::printf("check: %zu unwritten elements, relative error %.2e over %lld sampled outputs vs float64 -> %s\n",
                unwritten, rel, (long long)samples, ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    const std::string cmd = argv[1];
    std::map<std::string, std::string> a;
    bool with_bias = false;
    for (int i = 2; i < argc; ++i) {
        std::string k = argv[i];
        if (k.rfind("--", 0) != 0) return usage();
        k = k.substr(2);
        if (k == "bias") {
            with_bias = true;
            continue;
        }
        if (k == "per-group" || k == "layer") {  // flags, like --bias
            a[k] = "1";
            continue;
        }
        if (i + 1 >= argc) return usage();
        a[k] = argv[++i];
    }
    const std::string file = tools::shapes_file(a.count("file") ? a.at("file") : "");  // (--file, else the suite's)
    try {
        if (cmd == "variants") return cmd_variants();
        if (cmd == "shapes") return cmd_shapes(file);
        if (cmd == "run") return cmd_run(a, with_bias, file);
        if (cmd == "tune") return cmd_tune(a, file);
        if (cmd == "rank") return cmd_rank(a, file);
    } catch (const std::invalid_argument &e) {  // a flag that breaks a rule: named in the message
        std::fprintf(stderr, "convt1d: %s\n", e.what());
        return 2;
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "convt1d: not enough memory for the problem's tensors\n");
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "convt1d: %s\n", e.what());
        return 2;
    }
    return usage();
}
