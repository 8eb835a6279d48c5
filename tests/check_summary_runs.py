#!/usr/bin/env python3
"""summarize_bench.py --runs on three synthetic runs of a CPU suite: each contender's figure must be its
median run's (with that run's rates), its error the largest, and every run's figure kept in ms_runs;
one run alone must give that run's figures. Prints "summary runs: ok".

usage: check_summary_runs.py SUMMARIZE_BENCH.py WORK_DIR
"""
import json
import os
import subprocess
import sys


def bench(path, ms, err):
    rows = []
    for who, t in ms.items():
        rows.append({"name": f"convt1d/s_cpu/{who}/iterations:1/manual_time", "ms": t, "rel_error": err[who],
                     "floor_ms": 0.5, "GBps": 100.0 / t, "GFLOPs": 1000.0 / t,
                     "label": "cpu_phase/prepared" if who == "halide_layer" else ""})
    json.dump({"context": {"date": "2030-01-02T00:00:00", "host_name": "t", "copy_GBps": "10",
                           "fp32_peak_GFLOPs": "100"}, "benchmarks": rows}, open(path, "w"))


def main():
    script, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    runs = [{"halide_runtime": 1.0, "halide_layer": 0.9, "onednn": 5.0},
            {"halide_runtime": 3.0, "halide_layer": 0.7, "onednn": 4.0},
            {"halide_runtime": 2.0, "halide_layer": 0.8, "onednn": 6.0}]
    files = []
    for i, ms in enumerate(runs):
        files.append(os.path.join(work, f"run{i}.json"))
        bench(files[-1], ms, {k: 1e-7 * (i + 1) for k in ms})
    out = os.path.join(work, "out")
    subprocess.run([sys.executable, script, "--runs", *files, "--out", out, "--device-name", "check"], check=True,
                   capture_output=True)
    s = json.load(open(os.path.join(out, "check-2030-01-02.json")))
    e = s["shapes"]["s_cpu"]
    want = {"halide_runtime": 2.0, "halide_layer": 0.8, "onednn": 5.0}
    bad = [f"{k}: {e['ms'][k]} (want {v})" for k, v in want.items() if e["ms"][k] != v]
    bad += [f"{k} rate {e['GFLOPs'][k]}" for k, v in want.items() if abs(e["GFLOPs"][k] - 1000.0 / v) > 1e-6]
    bad += [f"{k} error {e['rel_error'][k]}" for k in want if abs(e["rel_error"][k] - 3e-7) > 1e-12]
    bad += [f"{k} ms_runs {e['ms_runs'][k]}" for k in want if e["ms_runs"][k] != [r[k] for r in runs]]
    if s.get("runs") != 3 or e.get("layer_variant") != "cpu_phase/prepared":
        bad.append(f"runs {s.get('runs')}, layer_variant {e.get('layer_variant')}")
    out1 = os.path.join(work, "out1")
    subprocess.run([sys.executable, script, "--runs", files[1], "--out", out1, "--device-name", "check"], check=True,
                   capture_output=True)
    e1 = json.load(open(os.path.join(out1, "check-2030-01-02.json")))["shapes"]["s_cpu"]
    bad += [f"one run: {k} {e1['ms'][k]}" for k in runs[1] if e1["ms"][k] != runs[1][k]]
    if bad:
        sys.exit("summary runs: FAILED: " + "; ".join(bad))
    print("summary runs: ok")


if __name__ == "__main__":
    main()
