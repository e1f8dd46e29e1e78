#!/usr/bin/env python3
"""Golden values for metrics.GromovWasserstein from Python Optimal Transport.

Writes metrics/testdata/golden_gw.json: small Gromov-Wasserstein problems between Euclidean
distance matrices of random point clouds (fixed NumPy seed), with POT's square-loss
conditional-gradient solver (closed-form line search, armijo=False, G0 = p q^T):

    T, log = ot.gromov.gromov_wasserstein(C1, C2, p, q, 'square_loss', log=True)
    gw2 = ot.gromov.gromov_wasserstein2(C1, C2, p, q, 'square_loss')

Each problem stores C1, C2, p, q, the coupling T, the loss gw2 and the number of iterations.
The Go tests read the JSON; neither Python nor POT is needed at test time.

Run once with the system Python that has POT (Debian: apt-get install -y python3-pot):

    /usr/bin/python3 scripts/golden_gw.py          # from the module root
"""

import json
import os

import numpy as np
import ot

SEED = 20250615


def problem(name, x, y, p=None, q=None):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    C1 = ot.dist(x, x, metric="euclidean")
    C2 = ot.dist(y, y, metric="euclidean")
    p = ot.unif(len(x)) if p is None else np.asarray(p, dtype=np.float64)
    q = ot.unif(len(y)) if q is None else np.asarray(q, dtype=np.float64)
    T, log = ot.gromov.gromov_wasserstein(C1, C2, p, q, "square_loss", log=True)
    gw2 = float(ot.gromov.gromov_wasserstein2(C1, C2, p, q, "square_loss"))
    return {
        "name": name,
        "c1": C1.tolist(),
        "c2": C2.tolist(),
        "p": p.tolist(),
        "q": q.tolist(),
        "plan": T.tolist(),
        "gw2": gw2,
        "log_gw_dist": float(log["gw_dist"]),
        "iterations": len(log["loss"]) - 1,
    }


def main():
    rng = np.random.default_rng(SEED)
    probs = []
    probs.append(problem("3d-8-vs-6-uniform", rng.normal(size=(8, 3)), rng.normal(size=(6, 3))))
    probs.append(problem("2d-10-vs-3d-7-weighted", rng.normal(size=(10, 2)), rng.normal(size=(7, 3)),
                         p=rng.dirichlet(np.ones(10)), q=rng.dirichlet(np.ones(7))))
    x = rng.uniform(-1, 1, size=(15, 3))
    probs.append(problem("3d-15-vs-noisy-copy", x, x + 0.3 * rng.normal(size=x.shape)))
    x = rng.uniform(-1, 1, size=(20, 3))
    probs.append(problem("3d-20-vs-5-coarse", x, rng.uniform(-1, 1, size=(5, 3))))
    probs.append(problem("3d-12-vs-12-scaled", rng.normal(size=(12, 3)), 2.0 * rng.normal(size=(12, 3))))
    out = {"seed": SEED, "pot_version": ot.__version__, "problems": probs}
    path = os.path.join("metrics", "testdata", "golden_gw.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for pr in probs:
        print(pr["name"], pr["gw2"], pr["iterations"])


if __name__ == "__main__":
    main()
