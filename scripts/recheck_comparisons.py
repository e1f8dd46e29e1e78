#!/usr/bin/env python3
"""Re-judge the comparisons of a results table (TABLE.json) by the rule of experiments.ComparePaired
since commit 64c14d0: the interval is the union of the table's two-level bootstrap interval and the
paired Student-t interval of the per-seed differences; one seed resolves nothing.

For tables rendered by an older commit (whose cells cannot be re-rendered at HEAD because their code
fingerprint differs). Prints every comparison whose verdict changes, then a count.

    python3 scripts/recheck_comparisons.py experiments/out/transcriptomics/table3.json
"""
import json
import math
import statistics
import sys

# t_{0.975, df} for the degrees of freedom a handful of seeds gives.
T975 = {1: 12.706204736174707, 2: 4.302652729911275, 3: 3.182446305284263, 4: 2.7764451051977987,
        5: 2.570581835636314, 6: 2.4469118511449692, 7: 2.3646242515927844, 8: 2.3060041350333704,
        9: 2.2621571627409915}


def main(path):
    table = json.load(open(path))
    cells = {c["row"] + "/" + c["column"]: c for c in table["cells"]}
    changed = 0
    for cp in table.get("comparisons", []):
        metric = cp["metric"]
        a = cells[cp["a"]]["summaries"][metric]["values"]
        b = cells[cp["b"]]["summaries"][metric]["values"]
        d = [x - y for x, y in zip(a, b)]
        lo, hi = cp["lo"], cp["hi"]
        if len(d) >= 2:
            hw = T975[len(d) - 1] * statistics.stdev(d) / math.sqrt(len(d))
            lo, hi = min(lo, statistics.mean(d) - hw), max(hi, statistics.mean(d) + hw)
            resolved = lo > 0 or hi < 0
        else:
            resolved = False
        if resolved != cp["resolved"]:
            changed += 1
            print(f"{cp['a']} vs {cp['b']} ({metric}): A-B {cp['diff']:.4f}; was {cp['verdict']} "
                  f"[{cp['lo']:.4f}, {cp['hi']:.4f}], now {'resolved' if resolved else 'unresolved'} [{lo:.4f}, {hi:.4f}]")
    print(f"{changed} of {len(table.get('comparisons', []))} comparisons change their verdict")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: recheck_comparisons.py TABLE.json")
    main(sys.argv[1])
