#!/usr/bin/env python3
"""ring_peer.py: train the PyTorch CPU peer (the reference network, ../shared/peers/torch_dmp.py)
on rings and probe it, the evidence of docs/experiments.md "Why the clouds are blobs".

    apt-get install -y python3-torch          # once
    /usr/bin/python3 scripts/ring_peer.py knn 1500 [CLIP]

Data: 256 clouds of 64 points uniform on the circle of radius 0.25 in the x-y plane (the scale
of the ModelNet40 clouds, which lie in [-0.25, 0.25]). Training: the peer's Trainer (the
reference's modelnet task: width 64, 3 layers, k = 7, GAT; the reference's orientation, t = 1
noisiest), batch 32, Adam lr 1e-3 with the reference's 10-step warm-up, EMA 0.95 of weights and
buffers: the small preset's settings. Probes, with the EMA weights in evaluation mode (the
running estimates, as the reference samples) and in training mode (each batch's statistics):
the eps-MSE at DDPM index i against predicting 0, and the x0 error it implies, for 32 noised
test rings; then 64 clouds sampled in 100 evenly spaced DDPM steps with the x0 prediction
clipped to [-CLIP, CLIP] (1, the reference's, and CLIP when given), scored by their mean distance from the
circle's radius, mean |z| and rms norm (the data: 0.25).
"""
import copy, math, os, sys, time
ARGS = sys.argv[1:]
sys.argv = [sys.argv[0], "--threads", "1"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers"))
import torch_dmp as P
import torch
torch.set_num_threads(1)
if len(ARGS) < 2:
    sys.exit("usage: ring_peer.py knn|dmp|long_short STEPS [CLIP]")
gnn = ARGS[0]
steps = int(ARGS[1])
clip = float(ARGS[2]) if len(ARGS) > 2 else 1.0
pts, R = 64, 0.25

def rings(n, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.rand(n, pts, generator=g) * 2 * math.pi
    return torch.stack([R * torch.cos(a), R * torch.sin(a), torch.zeros_like(a)], dim=-1)

data = rings(256, 1)
tr = P.Trainer("modelnet", gnn, "gat", lr=1e-3, seed=0)
B = 32
t0 = time.time()
losses = []
for s in range(steps):
    lo = (s * B) % 256
    b = tr.train_batch([x for x in data[lo:lo + B]])
    loss = tr.train_step(b)
    P.ema(tr.model, tr.ema_model, 0.95)
    losses.append(float(loss))
print(f"PEER {gnn} steps {steps}: trained {time.time()-t0:.0f}s loss first {sum(losses[:50])/50:.4f} last {sum(losses[-50:])/50:.4f}", flush=True)
ddpm = tr.ddpm
x0 = rings(32, 77)
gen = torch.Generator().manual_seed(5)
for i in [0, 10, 30, 100, 200, 400, 700, 990]:
    for mode in ["eval", "batch"]:
        m = copy.deepcopy(tr.ema_model)
        m.eval() if mode == "eval" else m.train()
        eps = torch.randn(x0.shape, generator=gen)
        xt = ddpm.add_noise(x0, eps, torch.full((32,), i, dtype=torch.long))
        with torch.no_grad():
            out = m(tr.test_batch([x for x in xt], i / 1000.0)).reshape(32, pts, 3)
        ab = ddpm.alphas_cumprod[i]
        mse = float(((out - eps) ** 2).mean()); zero = float((eps ** 2).mean())
        xh = (xt - (1 - ab) ** 0.5 * out) / ab ** 0.5
        err = float(((xh - x0) ** 2).mean().sqrt())
        print(f"PEERPROBE {gnn} i {i} batch {mode=='batch'}: eps-MSE {mse:.4f} (predict 0: {zero:.4f}), x0 rms err {err:.4f}, noise rms {float((1-ab)**0.5):.4f}", flush=True)
def step(eps, t, prev_t, x, r):
    """The peer's DDPM step (diffusers': epsilon, fixed_small) with the x0 clip range r."""
    a_t = ddpm.alphas_cumprod[t]
    a_prev = ddpm.alphas_cumprod[prev_t] if prev_t >= 0 else ddpm.one
    cur_a = a_t / a_prev
    x0 = ((x - (1 - a_t) ** 0.5 * eps) / a_t ** 0.5).clamp(-r, r)
    mean = (a_prev ** 0.5 * (1 - cur_a)) / (1 - a_t) * x0 + cur_a ** 0.5 * (1 - a_prev) / (1 - a_t) * x
    if t > 0:
        mean = mean + ddpm._variance(t) ** 0.5 * torch.randn_like(eps)
    return mean


# sample 64 clouds, 100 leading-spaced DDPM steps, reference orientation t = i/1000 at index i
for r, mode in [(r, mode) for r in sorted({1.0, clip}, reverse=True) for mode in ["eval", "batch"]]:
    m = copy.deepcopy(tr.ema_model); m.eval() if mode == "eval" else m.train()
    torch.manual_seed(9)
    x = torch.randn(64, pts, 3)
    idx = [k * 10 for k in range(99, -1, -1)]
    with torch.no_grad():
        for j, i in enumerate(idx):
            out = m(tr.test_batch([c for c in x], i / 1000.0)).reshape(64, pts, 3)
            prev = idx[j + 1] if j + 1 < len(idx) else -1
            if i == 0:
                break
            x = torch.stack([step(out[c], i, prev, x[c], r) for c in range(64)])
    rad = torch.sqrt(x[..., 0] ** 2 + x[..., 1] ** 2)
    print(f"PEERRING {gnn} clip {r} batchstats {mode=='batch'}: mean |r-0.25| {float((rad-R).abs().mean()):.4f}, mean |z| {float(x[...,2].abs().mean()):.4f}, rms {float((x**2).sum(-1).mean().sqrt()):.4f}", flush=True)
