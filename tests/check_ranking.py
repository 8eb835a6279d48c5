#!/usr/bin/env python3
"""The tuner's candidates hold the measured fastest variant, shape by shape.

A first device-pointer call measures only the cost model's first Options::tune_candidates plans
(4). A new variant the model ranks high can push the fastest one out of them even where the new one
is fastest nowhere (NOTES 31 (c): encodec_up1 ran 1.09 ms instead of 0.95). This check ranks every
shape of the committed GPU summary with this build's list, as the summary's GPU would (its shared
memory a block, through CONVT1D_ASSUME_SHARED_OPTIN, since CI has no GPU), and fails where no variant
within 3 % of the measured fastest (of those still in the list) is among the first four.

usage: check_ranking.py CONVT1D_CLI SUMMARY.json
"""
import json
import os
import re
import subprocess
import sys

CANDIDATES = 4      # Options::tune_candidates' default (runtime/include/convt1d/convt1d.h)
NEAR = 1.03         # the benchmark's run-to-run spread on one machine
NOT_VARIANTS = {"halide_runtime", "general", "cudnn_fp32", "cudnn_tf32", "torch_fp32"}


def main():
    cli, summary_path = sys.argv[1], sys.argv[2]
    summary = json.load(open(summary_path))
    listed = {line.split()[0] for line in subprocess.run([cli, "variants"], check=True, capture_output=True,
                                                        text=True).stdout.splitlines()[1:] if line.strip()}
    # the summary's device limit, from a refusal it recorded ("... (limit N)"), plus the 1 KiB the
    # runtime keeps back
    limits = {int(m) for s in summary["shapes"].values() for why in s.get("not_run", {}).values()
              for m in re.findall(r"\(limit (\d+)\)", why)}
    if not limits:
        sys.exit(f"{summary_path}: no shared-memory limit recorded")
    env = dict(os.environ, CONVT1D_ASSUME_SHARED_OPTIN=str(max(limits) + 1024))
    failures, checked = [], 0
    for shape, s in summary["shapes"].items():
        measured = {}
        for name, ms in s["ms"].items():
            if name in NOT_VARIANTS or ms is None:
                continue
            per_group = name.endswith("_per_group")
            variant = name[: -len("_per_group")] if per_group else name
            if variant in listed:
                measured[variant + (" per group" if per_group else "")] = ms
        if not measured:
            continue
        fastest = min(measured.values())
        near = {plan for plan, ms in measured.items() if ms <= fastest * NEAR}
        out = subprocess.run([cli, "rank", "--shape", shape, "--device", "cuda"], env=env, check=True,
                             capture_output=True, text=True).stdout
        ranked = [m.group(1).strip() for m in re.finditer(r"^\s*\d+\s+[\d.]+ ms\s+(.+)$", out, re.M)]
        checked += 1
        if not near & set(ranked[:CANDIDATES]):
            failures.append(f"{shape}: measured fastest {sorted(near)} ({fastest} ms), the tuner's "
                            f"{CANDIDATES} candidates {ranked[:CANDIDATES]}")
    for f in failures:
        print("ranking:", f)
    if checked == 0:
        sys.exit("ranking: no shape checked")
    print(f"ranking: {checked} shapes, {len(failures)} without their fastest variant among the candidates")
    if not failures:
        print("ranking: ok")


if __name__ == "__main__":
    main()
