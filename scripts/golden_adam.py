#!/usr/bin/python3
"""Golden values for layers/optim from PyTorch's own optimisers.

Runs torch.optim.Adam (with and without L2 weight decay) and torch.optim.AdamW (decoupled weight
decay) for 5 steps under a LambdaLR linear warm-up, factor min(s, W) / W evaluated at the
scheduler's epoch counter s = 0, 1, 2, ... (s = 0 for the first optimizer.step()), on two small
fixed parameters with fixed gradients per step, and torch.nn.utils.clip_grad_norm_ on those
gradients. Writes layers/optim/testdata/golden_adam.json; the Go tests read that file and never
run Python.

Usage (from the module root, Debian's python3-torch):
    /usr/bin/python3 scripts/golden_adam.py
"""
import json
import math
import os

import torch

STEPS = 5

# Two parameters: a 2x3 weight and a 3-vector bias (flattened in C order).
PARAMS = [
    {"name": "w", "shape": [2, 3], "init": [0.5, -1.25, 2.0, 0.0, 3.5e-3, -0.75]},
    {"name": "b", "shape": [3], "init": [0.1, -0.2, 1.5]},
]


def grads_at(step):
    """Fixed gradients of step `step` (0-based): mixed signs and magnitudes, an exact zero, a
    gradient small enough that eps matters, and one that grows."""
    g_w = [0.3 * math.cos(1.7 * step + 0.2 * i) + 0.05 * (i - 2) for i in range(6)]
    g_w[1] = 0.0 if step % 2 == 0 else -2.5  # zero on even steps
    g_w[4] = 1e-9 * (step + 1)               # tiny: eps = 1e-8 dominates the denominator
    g_b = [10.0 ** (step - 2), -0.7 + 0.1 * step, math.sin(step + 0.5)]
    return [g_w, g_b]


GRADS = [grads_at(s) for s in range(STEPS)]

CASES = [
    # name, dtype, class, lr, betas, eps, weight_decay, warmup
    ("adam", "float64", "Adam", 1e-2, (0.9, 0.999), 1e-8, 0.0, 3),
    ("adam_l2", "float64", "Adam", 1e-2, (0.9, 0.999), 1e-8, 0.1, 3),
    ("adamw", "float64", "AdamW", 1e-2, (0.9, 0.999), 1e-8, 0.1, 3),
    ("adamw_nowarmup", "float64", "AdamW", 3e-2, (0.8, 0.99), 1e-6, 0.05, 0),
    ("adam_f32", "float32", "Adam", 1e-2, (0.9, 0.999), 1e-8, 0.1, 3),
    ("adamw_f32", "float32", "AdamW", 1e-2, (0.9, 0.999), 1e-8, 0.1, 3),
]

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def run_case(name, dtype, cls, lr, betas, eps, wd, warmup):
    dt = DTYPES[dtype]
    ps = [torch.tensor(p["init"], dtype=dt).reshape(p["shape"]).requires_grad_() for p in PARAMS]
    opt = getattr(torch.optim, cls)(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd)
    if warmup > 0:
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda s: min(s, warmup) / warmup)
    else:
        sched = None
    lrs, values = [], []
    for s in range(STEPS):
        for p, g, spec in zip(ps, GRADS[s], PARAMS):
            p.grad = torch.tensor(g, dtype=dt).reshape(spec["shape"])
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched is not None:
            sched.step()
        values.append([flat(p) for p in ps])
    st = [opt.state[p] for p in ps]
    return {
        "name": name, "dtype": dtype, "kind": "adamw" if cls == "AdamW" else "adam",
        "lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps, "weight_decay": wd,
        "warmup_steps": warmup, "lrs": lrs, "values": values,
        "exp_avg": [flat(x["exp_avg"]) for x in st],
        "exp_avg_sq": [flat(x["exp_avg_sq"]) for x in st],
        "step": [float(x["step"]) for x in st],
    }


def run_clip(step, max_norm):
    ps = [torch.zeros(p["shape"], dtype=torch.float64, requires_grad=True) for p in PARAMS]
    for p, g, spec in zip(ps, GRADS[step], PARAMS):
        p.grad = torch.tensor(g, dtype=torch.float64).reshape(spec["shape"])
    norm = torch.nn.utils.clip_grad_norm_(ps, max_norm)
    return {"step": step, "max_norm": max_norm, "total_norm": float(norm),
            "grads_after": [flat(p.grad) for p in ps]}


def main():
    out = {
        "generated_by": "scripts/golden_adam.py",
        "torch_version": torch.__version__,
        "params": PARAMS,
        "grads": GRADS,
        "cases": [run_case(*c) for c in CASES],
        # Step 4's gradients have norm ~ 100 (the b[0] entry is 100): clipped at 1, not at 1000.
        "clip": [run_clip(4, 1.0), run_clip(4, 1000.0), run_clip(1, 0.5)],
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "layers", "optim", "testdata", "golden_adam.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
