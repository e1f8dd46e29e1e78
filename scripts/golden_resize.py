#!/usr/bin/env python3
"""Golden values of PyTorch's bicubic resize for models.CubicResize.

For each case (from, to, antialias) the 1-D resize matrix [to][from] of
F.interpolate(mode="bicubic", align_corners=False, antialias=...) along the width, obtained by
resizing the basis vectors of a 1 x from image to 1 x to (the height is unchanged, so its
interpolation is the identity).

Writes models/testdata/golden_resize.json; models/patch_resize_test.go reads it. Run with the
Debian torch (apt-get install -y python3-torch): /usr/bin/python3 scripts/golden_resize.py
"""
import json
import os

import torch
import torch.nn.functional as F

CASES = [(8, 4, True), (8, 2, True), (8, 1, True), (5, 3, True), (2, 3, True),
         (4, 8, False), (4, 16, False), (4, 32, False), (3, 5, False), (6, 4, False), (4, 4, False)]


def matrix(n_from, n_to, antialias):
    rows = []
    for i in range(n_from):
        x = torch.zeros(1, 1, 1, n_from, dtype=torch.float64)
        x[0, 0, 0, i] = 1.0
        y = F.interpolate(x, size=(1, n_to), mode="bicubic", align_corners=False, antialias=antialias)
        rows.append(y[0, 0, 0].tolist())
    return [[rows[i][o] for i in range(n_from)] for o in range(n_to)]  # [to][from]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "models", "testdata", "golden_resize.json")
    cases = [{"from": f, "to": t, "antialias": a, "matrix": matrix(f, t, a)} for f, t, a in CASES]
    with open(out, "w") as fh:
        json.dump({"source": "scripts/golden_resize.py, torch " + torch.__version__, "cases": cases}, fh, indent=1)
    print("wrote", out)


if __name__ == "__main__":
    main()
