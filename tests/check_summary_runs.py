#!/usr/bin/env python3
"""summarize_bench.py --runs on three synthetic runs of a CPU suite: each contender's figure must be its
median run's (with that run's rates), its error the largest, and every run's figure kept in ms_runs;
one run alone must give that run's figures; --drop must leave a variant out of every figure and out of
"general" (the fastest remaining general variant takes it), and name it in "dropped", and refuse to drop
the variant the runtime ran. Prints "summary runs: ok".

usage: check_summary_runs.py SUMMARIZE_BENCH.py WORK_DIR
"""
import json
import os
import subprocess
import sys


def bench(path, ms, err, general="", runtime_label=""):
    rows = []
    for who, t in ms.items():
        label = {"halide_layer": "cpu_phase/prepared", "halide_runtime": runtime_label}.get(who, "")
        rows.append({"name": f"convt1d/s_cpu/{who}/iterations:1/manual_time", "ms": t, "rel_error": err[who],
                     "floor_ms": 0.5, "GBps": 100.0 / t, "GFLOPs": 1000.0 / t, "label": label})
    json.dump({"context": {"date": "2030-01-02T00:00:00", "host_name": "t", "copy_GBps": "10",
                           "fp32_peak_GFLOPs": "100", "general_variants": general}, "benchmarks": rows},
              open(path, "w"))


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
    # --drop: a variant measured in the run but no longer in the list (an A/B point not kept)
    two = os.path.join(work, "two.json")
    bench(two, {"halide_runtime": 1.0, "halide_gone": 0.5, "halide_kept": 0.6, "halide_kept_per_group": 0.7},
          {k: 1e-7 for k in ("halide_runtime", "halide_gone", "halide_kept", "halide_kept_per_group")}, "gone,kept")
    out2 = os.path.join(work, "out2")
    for drop in ([], ["--drop", "gone"]):
        subprocess.run([sys.executable, script, two, "--out", out2, "--device-name", "check", *drop], check=True,
                       capture_output=True)
        s2 = json.load(open(os.path.join(out2, "check-2030-01-02.json")))
        e2 = s2["shapes"]["s_cpu"]
        want_general = "kept" if drop else "gone"
        if e2.get("general_variant") != want_general or e2["ms"].get("general") != (0.6 if drop else 0.5):
            bad.append(f"drop {drop}: general {e2.get('general_variant')} {e2['ms'].get('general')}")
        left = [k for key in ("ms", "rel_error", "GBps", "GFLOPs") for k in e2.get(key, {}) if k == "gone"]
        if drop and (left or s2.get("dropped") != ["gone"] or "gone" in s2.get("general_variants", [])):
            bad.append(f"drop: gone still in {left}, dropped {s2.get('dropped')}, general {s2.get('general_variants')}")
        if not drop and ("gone" not in e2["ms"] or "dropped" in s2):
            bad.append("no drop: gone left out")
    ran = os.path.join(work, "ran.json")
    bench(ran, {"halide_runtime": 0.5, "halide_gone": 0.5, "halide_kept": 0.6}, {k: 1e-7 for k in
          ("halide_runtime", "halide_gone", "halide_kept")}, "gone,kept", runtime_label="gone/per_group")
    r = subprocess.run([sys.executable, script, ran, "--out", os.path.join(work, "out3"), "--device-name", "check",
                        "--drop", "gone"], capture_output=True, text=True)
    if r.returncode == 0 or "runtime ran a dropped variant" not in r.stderr:
        bad.append(f"drop of the runtime's variant: rc {r.returncode}, {r.stderr.strip()[-200:]}")
    if bad:
        sys.exit("summary runs: FAILED: " + "; ".join(bad))
    print("summary runs: ok")


if __name__ == "__main__":
    main()
