#!/usr/bin/env python3
"""Turn a Google Benchmark JSON of convt1d_bench_{gpu,cpu} into the committed summary
bench/results/<device>-<date>.json, one PNG bar chart per shape, and (with --readme) the README's
results table, which is generated from the summaries and never typed.

usage: summarize_bench.py BENCH.json [--torch TORCH.json] [--out bench/results] [--readme README.md]
       summarize_bench.py --runs BENCH1.json BENCH2.json ... [--torch TORCH1.json TORCH2.json ...] ...
(TORCH.json: scripts/torch_bench.py's PyTorch figures of the same run, merged in as "torch_fp32", or
"torch" on the CPU. --runs: the files are whole runs of one suite, one after another on one machine,
and the summary takes each contender's median over them (the middle run's figure), so that a slow
spell of a noisy machine during one contender's turn does not decide a comparison.)
"""
import argparse
import datetime
import json
import os
import re
import statistics
import sys


def slug(s):
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()


def summarize(bench_json):
    data = json.load(open(bench_json))
    ctx = data["context"]
    device = ctx.get("device") or ("CPU " + ctx.get("host_name", "host"))
    date = ctx.get("date", "")[:10] or datetime.date.today().isoformat()
    summary = {
        "device": device,
        "date": date,
        "copy_GBps": float(str(ctx.get("copy_GBps", "0")).split()[0]),
        "fp32_peak_GFLOPs": float(str(ctx.get("fp32_peak_GFLOPs", "0")).split()[0]),
        "cudnn_version": ctx.get("cudnn_version"),
        "halide_version": ctx.get("halide_version"),
        "source": os.path.basename(bench_json),
        "shapes": {},
    }
    # the variants with no K, stride, dilation or padding compiled in (bench_gpu.cpp's context)
    general = set(filter(None, str(ctx.get("general_variants", "")).split(",")))
    for b in data["benchmarks"]:
        m = re.match(r"convt1d/([^/]+)/([^/]+)/", b["name"])
        if not m:
            continue
        shape, who = m.groups()
        who = who[len("halide_"):] if who.startswith("halide_") and who not in ("halide_runtime", "halide_layer") else who
        entry = summary["shapes"].setdefault(shape, {"floor_ms": None, "ms": {}, "rel_error": {}, "not_run": {}})
        if b.get("error_occurred"):
            entry["not_run"][who] = b.get("error_message", "")
            continue
        if who.startswith("host_"):  # the host side of a call (bench_gpu.cpp's run_host), in µs
            entry.setdefault("host_us", {})[who[len("host_"):]] = {
                k[:-3]: round(b[k], 2) for k in ("host_us", "back_to_back_us", "validate_us", "choose_us") if k in b}
            continue
        entry["ms"][who] = round(b["ms"], 5)
        if who == "halide_runtime" and b.get("label"):
            entry["runtime_variant"] = b["label"]
        if who == "halide_layer" and b.get("label"):  # bench_cpu.cpp: the plan, "/prepared" where it read them
            entry["layer_variant"] = b["label"]
        entry["rel_error"][who] = b["rel_error"]
        entry["floor_ms"] = round(b["floor_ms"], 5)
        entry.setdefault("GBps", {})[who] = round(b["GBps"], 1)
        entry.setdefault("GFLOPs", {})[who] = round(b["GFLOPs"], 1)
    summary["general_variants"] = sorted(general)
    add_general(summary)
    return summary


def is_variant_of(who, names):
    """Whether a contender is one of the named variants, run once or per group ("<name>_per_group")."""
    return who in names or who.replace("_per_group", "") in names


def add_general(summary):
    """The fastest general variant (once, or per group) of each shape, as "general"."""
    general = set(summary.get("general_variants", []))
    for entry in summary["shapes"].values():
        entry["ms"].pop("general", None)
        gen = {k: v for k, v in entry["ms"].items() if is_variant_of(k, general)}
        if gen:
            entry["general_variant"] = min(gen, key=gen.get)
            entry["ms"]["general"] = gen[entry["general_variant"]]


def merge_torch(s, t):
    s["torch_version"] = t["torch"]
    key = "torch" if t.get("device") == "cpu" else "torch_fp32"  # the CPU summary's "torch"
    if key == "torch":
        s["torch_threads"] = t.get("threads")
    for name, te in t["shapes"].items():
        if name in s["shapes"]:
            s["shapes"][name]["ms"][key] = te["ms"]
            s["shapes"][name]["rel_error"][key] = te["rel_error"]
            if "back_to_back_us" in te:
                s["shapes"][name].setdefault("host_us", {})["torch_fp32"] = {"back_to_back": te["back_to_back_us"]}


def median_of_runs(runs):
    """One summary from whole runs of one suite: each contender's median run (statistics.median_low, a
    figure one run measured, with that run's rates), its largest error, the floors' medians."""
    out = json.loads(json.dumps(runs[0]))
    out["source"] = [r["source"] for r in runs]
    out["runs"] = len(runs)
    for k in ("copy_GBps", "fp32_peak_GFLOPs"):
        out[k] = statistics.median_low([r[k] for r in runs])
    for name, entry in out["shapes"].items():
        entries = [r["shapes"][name] for r in runs if name in r["shapes"]]
        for who in list(entry["ms"]):
            if who == "general":
                continue
            got = [(e["ms"][who], e) for e in entries if who in e["ms"]]
            ms, src = sorted(got, key=lambda g: g[0])[(len(got) - 1) // 2]
            entry["ms"][who] = ms
            entry["rel_error"][who] = max(e["rel_error"][who] for _, e in got)
            for rate in ("GBps", "GFLOPs"):
                if who in src.get(rate, {}):
                    entry[rate][who] = src[rate][who]
            entry.setdefault("ms_runs", {})[who] = [g[0] for g in got]
        entry["floor_ms"] = statistics.median_low([e["floor_ms"] for e in entries if e["floor_ms"]] or [None])
    add_general(out)
    return out


def plot(summary, out_dir, stem):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    shapes = summary["shapes"]
    n = len(shapes)
    fig, axes = plt.subplots(n, 1, figsize=(10, 2.6 * n), squeeze=False)
    for ax, (name, e) in zip(axes[:, 0], shapes.items()):
        base = e["ms"].get("cudnn_fp32") or e["ms"].get("onednn") or max(e["ms"].values())
        names = list(e["ms"].keys())
        rel = [e["ms"][k] / base for k in names]
        colors = ["#d62728" if k.startswith(("cudnn", "onednn", "torch")) else "#2ca02c" if k in ("halide_runtime", "halide_layer") else "#1f77b4"
                  for k in names]
        ax.bar(range(len(names)), rel, color=colors)
        if e["floor_ms"]:
            ax.axhline(e["floor_ms"] / base, color="k", linestyle="--", linewidth=1, label="floor")
        ax.set_yscale("log")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=30, ha="right", fontsize=7)
        ref = "cuDNN fp32" if "cudnn_fp32" in e["ms"] else "oneDNN"
        ax.set_title(f"{name}: time relative to {ref} ({base:.3g} ms); dashed = floor", fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"{summary['device']} {summary['date']}", fontsize=10)
    fig.tight_layout()
    path = os.path.join(out_dir, stem + ".png")
    fig.savefig(path, dpi=90)
    return path


def is_gpu(summary):
    """A GPU run's summary (cuDNN among its contenders), else a CPU one's."""
    return any("cudnn_fp32" in e["ms"] or "cudnn_fp32" in e["not_run"] for e in summary["shapes"].values())


def table(summaries):
    rows = []
    for s, path in summaries:
        gpu = is_gpu(s)
        rows.append(f"\n**{s['device']}, {s['date']}** ([summary]({path}), [plot]({path[:-5]}.png)); "
                    f"copy {s['copy_GBps']:.0f} GB/s, FP32 FMA peak {s['fp32_peak_GFLOPs'] / 1000:.1f} TFLOP/s"
                    + ("" if gpu else f" (measured; PyTorch {s.get('torch_version', '—')} on {s.get('torch_threads', '—')} threads)")
                    + (f"; each figure the median of {s['runs']} whole runs of the suite" if s.get("runs") else "")
                    + "\n")
        if gpu:
            torch = any("torch_fp32" in e["ms"] for e in s["shapes"].values())
            rows.append("| shape | floor | cuDNN fp32 | cuDNN TF32 | " + ("PyTorch fp32 | " if torch else "") +
                        "Halide (runtime's choice) | runtime vs cuDNN fp32 "
                        "| general (nothing compiled in) | general vs cuDNN fp32 | best Halide variant |")
            rows.append("|---|---|---|---|---|---|---|---|---|" + ("---|" if torch else ""))
        else:
            layer = any("halide_layer" in e["ms"] for e in s["shapes"].values())
            rows.append("| shape | floor | oneDNN | PyTorch | Halide (runtime's choice) | Halide vs the faster of them "
                        + ("| Halide, Layer (weights prepared once) | Layer vs the faster of them " if layer else "")
                        + "| % of floor | each CPU variant |")
            rows.append("|---|---|---|---|---|---|---|---|" + ("---|---|" if layer else ""))
        for name, e in s["shapes"].items():
            ms = e["ms"]
            f = lambda k: f"{ms[k]:.3g} ms" if k in ms else "—"
            if gpu:
                hal = {k: v for k, v in ms.items() if k.startswith("cuda_")}
                best = min(hal, key=hal.get) if hal else None
                vs = lambda k: f"{ms['cudnn_fp32'] / ms[k]:.2f}×" if k in ms and "cudnn_fp32" in ms else "—"
                rt = f"{f('halide_runtime')}" + (f" ({e['runtime_variant']})" if e.get("runtime_variant") else "")
                gen = f"{f('general')} ({e['general_variant']})" if "general" in ms else "—"
                tc = f"{f('torch_fp32')} | " if torch else ""
                rows.append(f"| {name} | {e['floor_ms']:.3g} ms | {f('cudnn_fp32')} | {f('cudnn_tf32')} | {tc}{rt} | "
                            f"{vs('halide_runtime')} | {gen} | {vs('general')} | {f(best) if best else '—'} ({best}) |")
            else:
                # the runtime's choice (older summaries: the one CPU variant, cpu_avx2, was it)
                rt = "halide_runtime" if "halide_runtime" in ms else "cpu_avx2"
                rivals = [ms[k] for k in ("onednn", "torch") if k in ms]
                vs = lambda k: f"{min(rivals) / ms[k]:.2f}×" if rivals and k in ms else "—"
                # % of floor: the faster of the two calls (the Layer's where it ran)
                own = min((k for k in (rt, "halide_layer") if k in ms), key=ms.get, default=None)
                pct = f"{100 * e['floor_ms'] / ms[own]:.0f} %" if own and e["floor_ms"] else "—"
                each = ", ".join(f"{k} {ms[k]:.3g} ms" for k in ms if k == "cpu" or k.startswith("cpu_")) or "—"
                lay = f"| {f('halide_layer')} | {vs('halide_layer')} " if layer else ""
                rows.append(f"| {name} | {e['floor_ms']:.3g} ms | {f('onednn')} | {f('torch')} | {f(rt)} | {vs(rt)} "
                            f"{lay}| {pct} | {each} |")
        host = [(name, who, h) for name, e in s["shapes"].items() for who, h in e.get("host_us", {}).items()]
        if host:
            rows.append("\nThe host side of a call on the launch-bound shapes, µs (median; `host`: entry to return "
                        "with the GPU idle; `back to back`: per call of 200 queued calls, GPU included; "
                        "validate and choose: the runtime's steps before Halide's):\n")
            rows.append("| shape | caller | host | back to back | validate | choose |")
            rows.append("|---|---|---|---|---|---|")
            for name, who, h in host:
                g = lambda k: f"{h[k]:.1f}" if k in h else "—"
                rows.append(f"| {name} | {who} | {g('host')} | {g('back_to_back')} | {g('validate')} | {g('choose')} |")
    return "\n".join(rows) + "\n"


def drop_variants(summary, names):
    """Leave out variants the committed build no longer has (once or per group), so that "general" and
    "best" name what a user of that build can run; the summary says which were left out."""
    if not names:
        return
    gone = set(names)
    ran = {s: e["runtime_variant"] for s, e in summary["shapes"].items()
           if is_variant_of(e.get("runtime_variant", "").split("/")[0], gone)}
    if ran:  # the runtime's own figure would be of a variant the build no longer has: re-run instead
        sys.exit(f"--drop: the runtime ran a dropped variant on {ran}")
    for entry in summary["shapes"].values():
        for key in ("ms", "rel_error", "GBps", "GFLOPs", "not_run", "ms_runs"):
            for who in [w for w in entry.get(key, {}) if is_variant_of(w, gone)]:
                del entry[key][who]
    summary["general_variants"] = [v for v in summary.get("general_variants", []) if v not in gone]
    summary["dropped"] = sorted(gone)
    add_general(summary)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_json", nargs="*")
    ap.add_argument("--out", default="bench/results")
    ap.add_argument("--readme")
    ap.add_argument("--torch", nargs="*", default=[], help="scripts/torch_bench.py output of the same run(s)")
    ap.add_argument("--runs", action="store_true", help="the BENCH files are runs of one suite: one summary of their medians")
    ap.add_argument("--device-name", help="the summary's device (default: the benchmark's, or CPU <host name>)")
    ap.add_argument("--drop", nargs="*", default=[],
                    help="variants the run measured that the committed list no longer has (an A/B point not "
                         "kept): left out of the summary, named in its \"dropped\" (the raw JSON keeps them)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.runs:
        if a.torch and len(a.torch) != len(a.bench_json):
            sys.exit("--runs: give one --torch file per run, in the same order")
        runs = []
        for i, bj in enumerate(a.bench_json):
            r = summarize(bj)
            if a.torch:
                merge_torch(r, json.load(open(a.torch[i])))
            runs.append(r)
        summaries = [median_of_runs(runs)] if runs else []
    else:
        summaries = []
        for bj in a.bench_json:
            s = summarize(bj)
            if a.torch:
                merge_torch(s, json.load(open(a.torch[0])))
            summaries.append(s)
    for s in summaries:
        drop_variants(s, a.drop)
        if a.device_name:
            s["device"] = a.device_name
        stem = f"{slug(s['device'])}-{s['date']}"
        json.dump(s, open(os.path.join(a.out, stem + ".json"), "w"), indent=1)
        print("wrote", os.path.join(a.out, stem + ".json"), plot(s, a.out, stem))
    if a.readme:
        files = sorted(f for f in os.listdir(a.out) if f.endswith(".json") and not f.startswith("raw-"))
        latest = {}
        for f in files:  # the newest summary of each GPU and of each CPU (older ones stay linked from the README)
            s = json.load(open(os.path.join(a.out, f)))
            key = ("gpu: " if is_gpu(s) else "cpu: ") + s["device"]
            if key not in latest or s["date"] >= latest[key][0]["date"]:
                latest[key] = (s, os.path.join(a.out, f))
        # the GPUs first, the newest summary of them first; the CPUs after, in the files' order
        gpus = sorted((kv for kv in latest.items() if kv[0].startswith("gpu")), key=lambda kv: kv[1][0]["date"],
                      reverse=True)
        latest = dict(gpus + [kv for kv in latest.items() if not kv[0].startswith("gpu")])
        text = open(a.readme).read()
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        if begin not in text:
            sys.exit(f"{a.readme} has no {begin} marker")
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        open(a.readme, "w").write(head + begin + "\n" + table(latest.values()) + end + tail)
        print("updated", a.readme)


if __name__ == "__main__":
    main()
