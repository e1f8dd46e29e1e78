#!/usr/bin/env python3
"""Golden values for package metrics from independent implementations.

Writes metrics/testdata/golden_ot.json: random problems drawn with a fixed NumPy seed, and
  - POT's exact optimal transport cost ot.emd2(ones(m)/m, ones(m)/m, ot.dist(A, B, 'euclidean'))
    (network simplex),
  - scipy.optimize.linear_sum_assignment on the same Euclidean cost matrix (its total / m),
  - for plain cost matrices, linear_sum_assignment's minimal total,
  - for pairs of point clouds, the Chamfer distance in PointFlow's convention computed with
    scipy.spatial.distance.cdist, and the EMD (ot.emd2 between the clouds' points).

The Go tests read the JSON; neither Python nor POT is needed at test time.

Run with the system Python that has POT and SciPy (Debian: apt-get install python3-pot
python3-scipy):

    /usr/bin/python3 scripts/golden_ot.py          # from the module root
"""

import json
import os
import sys

import numpy as np
import ot
import scipy
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

SEED = 20250601


def ot_problem(name, a, b, shape=None):
    """A set-to-set OT problem between the rows of a and b (flattened samples)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    m = a.shape[0]
    M = ot.dist(a, b, metric="euclidean")
    w = np.ones(m) / m
    emd2 = float(ot.emd2(w, w, M, numItermax=10_000_000))
    rows, cols = linear_sum_assignment(M)
    lsa = float(M[rows, cols].sum())
    p = {
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "emd2": emd2,
        "lsa_total": lsa,
        "lsa_over_m": lsa / m,
    }
    if shape is not None:
        p["sample_shape"] = list(shape)  # each row is a flattened sample of this shape
    return p


def assignment_problem(name, cost):
    cost = np.asarray(cost, dtype=np.float64)
    rows, cols = linear_sum_assignment(cost)
    return {
        "name": name,
        "n": int(cost.shape[0]),
        "cost": cost.ravel().tolist(),
        "total": float(cost[rows, cols].sum()),
    }


def chamfer_pointflow(x, y):
    d = cdist(x, y, metric="sqeuclidean")
    return float(d.min(axis=1).mean() + d.min(axis=0).mean())


def cloud_pair(name, x, y):
    n = x.shape[0]
    w = np.ones(n) / n
    return {
        "name": name,
        "x": x.tolist(),
        "y": y.tolist(),
        "chamfer": chamfer_pointflow(x, y),
        "emd": float(ot.emd2(w, w, ot.dist(x, y, metric="euclidean"), numItermax=10_000_000)),
    }


def main():
    rng = np.random.default_rng(SEED)
    ot_problems = [
        ot_problem("m=50 d=12 gaussian", rng.normal(size=(50, 12)), rng.normal(0.3, 1.2, size=(50, 12))),
        ot_problem("m=200 d=12 gaussian", rng.normal(size=(200, 12)), rng.normal(size=(200, 12))),
        ot_problem("m=40 d=3 small integers (ties)", rng.integers(0, 3, size=(40, 3)), rng.integers(0, 3, size=(40, 3))),
        ot_problem(
            "m=30 clouds of 3 x 4, flattened",
            rng.uniform(-0.25, 0.25, size=(30, 3, 4)).reshape(30, 12),
            rng.uniform(-0.25, 0.25, size=(30, 3, 4)).reshape(30, 12),
            shape=(3, 4),
        ),
    ]
    assignment_problems = [
        assignment_problem("n=100 uniform", rng.uniform(size=(100, 100))),
        assignment_problem("n=60 integers 1..100 (ties)", rng.integers(1, 101, size=(60, 60))),
        assignment_problem("n=80 lognormal", rng.lognormal(0, 3, size=(80, 80))),
    ]
    cloud_pairs = [
        cloud_pair("64 points in 3-D", rng.normal(size=(64, 3)), rng.normal(0.1, 1.0, size=(64, 3))),
        cloud_pair("128 points in 3-D, unit box", rng.uniform(-0.5, 0.5, size=(128, 3)), rng.uniform(-0.5, 0.5, size=(128, 3))),
    ]
    out = {
        "generator": "scripts/golden_ot.py",
        "seed": SEED,
        "versions": {"numpy": np.__version__, "pot": ot.__version__, "scipy": scipy.__version__},
        "ot_problems": ot_problems,
        "assignment_problems": assignment_problems,
        "cloud_pairs": cloud_pairs,
    }
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    path = os.path.join(root, "metrics", "testdata", "golden_ot.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f)
        f.write("\n")
    os.replace(tmp, path)
    for p in ot_problems:
        print(f"{p['name']}: emd2 = {p['emd2']!r}, lsa/m = {p['lsa_over_m']!r}", file=sys.stderr)
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
