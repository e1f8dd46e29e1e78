"""Golden trajectories for the transcriptomics simulator tests (run once; the tests do not need it).

An independent NumPy implementation of the scheme of the authors' generator (data/st_generator.py
of the reference repository, described in REFERENCE.md section 7): interior update by explicit
Euler with the 3-point Laplacian, then boundary = neighbour, knocked-out gene zeroed before and
after each step; frame label k is the state after k+1 steps.

    /usr/bin/python3 golden.py      # writes golden_x0.npy, golden_frames.npy, golden_knockout_frames.npy
"""
import numpy as np

K2, K3, K4, K5, K7, K9, DB, DW = 1.0, -1.0, 1.27, -0.1, 1.59, -0.1, 1.0, 2.5
DS, DT, POINTS = 0.2, 0.005, 300
LABELS = [0, 1, 2, 100, 2000, 10000, 18000]
KO_LABELS = [0, 2000, 18000]


def rhs(x):
    s, b, w = x[:, 0], x[:, 1], x[:, 2]
    lap_b = (b[:-2] + b[2:] - 2 * b[1:-1]) / DS**2
    lap_w = (w[:-2] + w[2:] - 2 * w[1:-1]) / DS**2
    si, bi, wi = s[1:-1], b[1:-1], w[1:-1]
    return np.stack([
        0 + K2 * bi + K3 * wi - si**3,
        0 + K4 * si + K5 * bi + DB * lap_b,
        0 + K7 * si + K9 * wi + DW * lap_w,
    ], axis=1)


def run(x0, labels, knockout=None):
    x = x0.copy()
    out, step = [], 0
    for label in labels:
        while step < label + 1:
            if knockout is not None:
                x[:, knockout] = 0
            x[1:-1] = x[1:-1] + DT * rhs(x)
            x[0] = x[1]
            x[-1] = x[-2]
            if knockout is not None:
                x[:, knockout] = 0
            step += 1
        out.append(x.copy())
    return np.stack(out)


x0 = np.random.RandomState(0).uniform(-0.01, 0.01, (POINTS, 3))
np.save("golden_x0.npy", x0)
np.save("golden_frames.npy", run(x0, LABELS))
np.save("golden_knockout_frames.npy", run(x0, KO_LABELS, knockout=2))
