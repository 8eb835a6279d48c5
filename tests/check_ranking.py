#!/usr/bin/env python3
"""The tuner's candidates hold the measured fastest variant, shape by shape.

A first device-pointer call measures only the cost model's first Options::tune_candidates plans
(4). A new variant the model ranks high can push the fastest one out of them even where the new one
is fastest nowhere (NOTES 31 (c): encodec_up1 ran 1.09 ms instead of 0.95). This check ranks every
shape of the committed GPU summaries with this build's list, as each summary's GPU would (its shared
memory a block, through CONVT1D_ASSUME_SHARED_OPTIN, since CI has no GPU), and fails where no variant
within 3 % of the measured fastest (of those still in the list) is among the first four.
A summary cannot judge a shape whose four hold a plan it neither timed nor refused (a variant added to the
list after its run: the H200's run 113 predates the columns' form, NOTES 61); another summary that timed
every plan of the shape's four judges it, and a shape that no summary judges fails: a new variant has to be
measured before it may enter the four.

usage: check_ranking.py CONVT1D_CLI SUMMARY.json [SUMMARY.json ...]
       check_ranking.py CONVT1D_CLI --report MEASURED [MEASURED ...]
--report: for trying a change to the cost model offline (docs/NOTES.md 59 (b)), a line a shape: where the
measured fastest falls in the model's ranking, the model's first plan and its measured time, and how much
slower the best of the tuner's four is than the fastest; then the count of shapes where that exceeds NEAR.
MEASURED: a committed summary, or a benchmark's text output (lines "convt1d/<shape>/halide_<variant> <ms>
ms", with or without Google Benchmark's "/iterations:1/manual_time"; e.g. bench/results/raw/h100-2026-12-07-
run167-every-variant-six-layers.txt), its shape file after a colon where the shapes are not the suite's,
RAW.txt:bench/model_layers.csv (a text's shared-memory limit: the H100's and H200's opt-in).
"""
import json
import os
import re
import subprocess
import sys

CANDIDATES = 4      # Options::tune_candidates' default (runtime/include/convt1d/convt1d.h)
NEAR = 1.03         # the benchmark's run-to-run spread on one machine
NOT_VARIANTS = {"halide_runtime", "general", "cudnn_fp32", "cudnn_tf32", "torch_fp32"}
SHARED_OPTIN = 232448  # the H100's and H200's opt-in shared memory a block (227 KiB): --report's text files


def listed_variants(cli):
    return {line.split()[0] for line in subprocess.run([cli, "variants"], check=True, capture_output=True,
                                                       text=True).stdout.splitlines()[1:] if line.strip()}


def plan_of(name, listed):
    """The plan a measured name stands for ("X_per_group": X run a group at a time), or None where it is no
    variant of this build's list"""
    per_group = name.endswith("_per_group")
    variant = name[: -len("_per_group")] if per_group else name
    return variant + (" per group" if per_group else "") if variant in listed else None


def measured_shapes(path, listed, refused=None):
    """(shape -> {plan: ms} of the listed variants, the shape file or None, the env for `convt1d rank`);
    refused, where given: shape -> the plans the summary's run refused"""
    shape_file = None
    if ":" in path:
        path, shape_file = path.split(":", 1)
    shapes = {}
    if path.endswith(".json"):
        summary = json.load(open(path))
        # the summary's device limit, from a refusal it recorded ("... (limit N)"), plus the 1 KiB the
        # runtime keeps back
        limits = {int(m) for s in summary["shapes"].values() for why in s.get("not_run", {}).values()
                  for m in re.findall(r"\(limit (\d+)\)", why)}
        if not limits:
            sys.exit(f"{path}: no shared-memory limit recorded")
        optin = max(limits) + 1024
        for shape, s in summary["shapes"].items():
            for name, ms in s["ms"].items():
                plan = plan_of(name, listed) if name not in NOT_VARIANTS and ms is not None else None
                if plan:
                    shapes.setdefault(shape, {})[plan] = ms
            if refused is not None:
                refused[shape] = {plan_of(name, listed) for name in s.get("not_run", {})}
    else:
        optin = SHARED_OPTIN
        for line in open(path):
            m = re.match(r"convt1d/(\S+)/halide_(\S+?)(/iterations:\S+)? +([\d.]+) ms", line)
            plan = m and plan_of(m.group(2), listed)
            if plan:
                shapes.setdefault(m.group(1), {})[plan] = float(m.group(4))
    return shapes, shape_file, dict(os.environ, CONVT1D_ASSUME_SHARED_OPTIN=str(optin))


def ranking(cli, shape, shape_file, env):
    out = subprocess.run([cli, "rank", "--shape", shape, "--device", "cuda"] +
                         (["--file", shape_file] if shape_file else []),
                         env=env, check=True, capture_output=True, text=True).stdout
    return [m.group(1).strip() for m in re.finditer(r"^\s*\d+\s+[\d.]+ ms\s+(.+)$", out, re.M)]


def report(cli, paths):
    listed = listed_variants(cli)
    for path in paths:
        shapes, shape_file, env = measured_shapes(path, listed)
        slower = 0
        for shape, measured in shapes.items():
            fastest = min(measured.values())
            ranked = ranking(cli, shape, shape_file, env)
            place = next((i + 1 for i, plan in enumerate(ranked) if measured.get(plan, 1e30) <= fastest * NEAR), None)
            tuned = min((measured[p] for p in ranked[:CANDIDATES] if p in measured), default=float("nan"))
            slower += not tuned <= fastest * NEAR
            first = ranked[0] if ranked else "-"
            print(f"{shape:16s} fastest {min(measured, key=measured.get)} {fastest:.4f} ms, ranked {place}; "
                  f"the model's first {first} {measured.get(first, '-')}; the four's best / fastest {tuned / fastest:.2f}")
        print(f"report: {path}: {slower} of {len(shapes)} shapes without a plan within {NEAR} of the fastest among the four")


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "--report":
        return report(sys.argv[1], sys.argv[3:])
    cli, listed = sys.argv[1], listed_variants(sys.argv[1])
    failures, judged, unjudged = [], {}, {}
    for summary_path in sys.argv[2:]:
        refused = {}
        shapes, _, env = measured_shapes(summary_path, listed, refused)
        name = os.path.basename(summary_path)
        for shape, measured in shapes.items():
            fastest = min(measured.values())
            near = {plan for plan, ms in measured.items() if ms <= fastest * NEAR}
            four = ranking(cli, shape, None, env)[:CANDIDATES]
            if near & set(four):
                judged.setdefault(shape, []).append(name)
                continue
            new = [plan for plan in four if plan not in measured and plan not in refused.get(shape, set())]
            if new:
                unjudged.setdefault(shape, []).append(f"{name}: the four hold {new}, which it did not time")
            else:
                judged.setdefault(shape, []).append(name)
                failures.append(f"{shape} ({name}): measured fastest {sorted(near)} ({fastest} ms), the tuner's "
                                f"{CANDIDATES} candidates {four}")
    for shape, why in unjudged.items():
        if shape in judged:
            print(f"ranking: {shape} judged by {judged[shape]}, not by " + "; ".join(why))
        else:
            failures.append(f"{shape}: no summary judges it (" + "; ".join(why) + "): time the new plans")
    for f in failures:
        print("ranking:", f)
    if not judged:
        sys.exit("ranking: no shape checked")
    print(f"ranking: {len(judged) + len(set(unjudged) - set(judged))} shapes, {len(failures)} failures")
    if not failures:
        print("ranking: ok")


if __name__ == "__main__":
    main()
