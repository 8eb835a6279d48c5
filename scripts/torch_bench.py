#!/usr/bin/env python3
"""PyTorch's own ConvTranspose1d on the suite's GPU shapes, as a user calls it: exact FP32
(TF32 off), F.conv_transpose1d on device tensors. For each shape: the median of CUDA-event-timed
calls (warmed up, inputs rotated over several sets when one set fits in L2), and for the
launch-bound shapes the time per call of 200 calls queued back to back (the yardstick of the
general GPU issue: cuDNN's C API pays more host time per call than PyTorch's cached plans).
Each output is checked against a float64 reference first.

usage (GPU machine, which has PyTorch): python3 scripts/torch_bench.py [--shapes bench/shapes.csv] --out torch.json
       (CPU, the "cpu" shapes: scripts/bench_cpu.sh runs it from its own venv)
       python3 scripts/torch_bench.py --device cpu [--threads N] --out torch_cpu.json
On the CPU: the median of wall-clock-timed calls (2 warm-up calls, at least 5 and up to 50 or 2 s),
PyTorch's own oneDNN path on all cores (or --threads).
"""
import argparse
import csv
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F


def shapes(path, where="gpu"):
    rows = [r for r in csv.reader(line for line in open(path) if not line.startswith("#"))]
    head = rows[0]
    for r in rows[1:]:
        d = dict(zip(head, r))
        if d["where"] == where:
            yield {k: (v if k in ("name", "where") else int(v)) for k, v in d.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", default="bench/shapes.csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--threads", type=int, default=0, help="CPU: torch.set_num_threads (0: all cores)")
    a = ap.parse_args()
    if a.device == "cpu":
        return cpu(a)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True  # as a tuned user would
    dev = torch.device("cuda")
    result = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
              "cudnn": torch.backends.cudnn.version(), "shapes": {}}
    for s in shapes(a.shapes):
        g = torch.Generator(device="cpu").manual_seed(1234)
        cout_g = s["C_out"] // s["groups"]
        x0 = torch.rand(s["B"], s["C_in"], s["L_in"], generator=g) * 2 - 1
        w0 = torch.rand(s["C_in"], cout_g, s["K"], generator=g) * 2 - 1
        kw = dict(stride=s["stride"], padding=s["padding"], output_padding=s["output_padding"],
                  groups=s["groups"], dilation=s["dilation"])
        bytes_once = 4 * (x0.numel() + w0.numel())
        sets = max(1, min(16, int(200e6 // max(bytes_once, 1)) + 1))
        xs = [x0.to(dev)] + [(torch.rand_like(x0) * 2 - 1).to(dev) for _ in range(sets - 1)]
        w = w0.to(dev)
        # correctness against float64 (on the device: the reference's own rounding is far below 1e-5)
        ref = F.conv_transpose1d(xs[0].double(), w.double(), **kw)
        out = F.conv_transpose1d(xs[0], w, **kw)
        rel = ((out.double() - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()
        for i in range(5):
            F.conv_transpose1d(xs[i % sets], w, **kw)
        torch.cuda.synchronize()
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        ms = []
        for r in range(50):
            e0.record()
            F.conv_transpose1d(xs[r % sets], w, **kw)
            e1.record()
            e1.synchronize()
            ms.append(e0.elapsed_time(e1))
        entry = {"ms": round(statistics.median(ms), 5), "rel_error": rel}
        # back to back: 200 calls queued, one synchronisation, per call (launch-bound shapes)
        flops = 2.0 * s["B"] * s["C_out"] * (s["C_in"] // s["groups"]) * s["K"] * s["L_in"]
        if flops / 67e12 < 10e-6:  # launch-bound: under 10 us at the FP32 FMA peak (as bench_gpu.cpp)
            per = []
            for _ in range(5):
                torch.cuda.synchronize()
                e0.record()
                for r in range(200):
                    F.conv_transpose1d(xs[r % sets], w, **kw)
                e1.record()
                e1.synchronize()
                per.append(e0.elapsed_time(e1) * 1e3 / 200)
            entry["back_to_back_us"] = round(statistics.median(per), 2)
        result["shapes"][s["name"]] = entry
        print(f"{s['name']:14s} {entry['ms']:9.4f} ms  rel {rel:.2e}" +
              (f"  back to back {entry['back_to_back_us']:.1f} us/call" if "back_to_back_us" in entry else ""))
    json.dump(result, open(a.out, "w"), indent=1)


def cpu(a):
    threads = a.threads or os.cpu_count()
    torch.set_num_threads(threads)
    result = {"device": "cpu", "torch": torch.__version__, "threads": threads,
              "onednn": torch.backends.mkldnn.is_available(), "shapes": {}}
    for s in shapes(a.shapes, "cpu"):
        g = torch.Generator().manual_seed(1234)
        cout_g = s["C_out"] // s["groups"]
        x = torch.rand(s["B"], s["C_in"], s["L_in"], generator=g) * 2 - 1
        w = torch.rand(s["C_in"], cout_g, s["K"], generator=g) * 2 - 1
        kw = dict(stride=s["stride"], padding=s["padding"], output_padding=s["output_padding"],
                  groups=s["groups"], dilation=s["dilation"])
        with torch.no_grad():
            ref = F.conv_transpose1d(x.double(), w.double(), **kw)
            out = F.conv_transpose1d(x, w, **kw)
            rel = ((out.double() - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()
            for _ in range(2):
                F.conv_transpose1d(x, w, **kw)
            ms, start = [], time.perf_counter()
            while len(ms) < 5 or (len(ms) < 50 and time.perf_counter() - start < 2.0):
                t0 = time.perf_counter()
                F.conv_transpose1d(x, w, **kw)
                ms.append((time.perf_counter() - t0) * 1e3)
        result["shapes"][s["name"]] = {"ms": round(statistics.median(ms), 5), "rel_error": rel}
        print(f"{s['name']:16s} {statistics.median(ms):9.4f} ms  rel {rel:.2e}  ({threads} threads)")
    json.dump(result, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
