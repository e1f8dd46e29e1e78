#!/usr/bin/python3
"""Golden values for the reference architecture (models.ArchReference) from the PyTorch peer.

Builds the peer's port of the authors' network (../shared/peers/torch_dmp.py: AdaptiveGNN, with
PyTorch Geometric 2.6.1's MLP, GCNConv and GATConv written out in torch) at a small width, moves
every BatchNorm's affine parameters and running statistics and every zero-initialised bias away
from its initial value (so that each of them matters), builds a fixed small batch of graphs with
the peer's own graph code (voxel clustering, kNN, edge attributes), and records:

  - the weights and buffers (named as in the peer's state dict),
  - the per-sample graphs: node inputs without t, t, positions, supernode positions, cluster
    index of each node, coarse edges (source -> target), fine-to-supernode attributes,
  - the output in training mode (batch statistics), the running statistics after that forward
    pass, the gradient of sum(out * R) for a fixed R with respect to every parameter, and the
    output in evaluation mode afterwards (with the updated running statistics).

Writes models/testdata/golden_reference.json; the Go test (models/golden_test.go) reads it and
never runs Python. Cases: a ModelNet40-like batch (3 clouds of 40 points at t = 0.2, 0.8, 1.0:
two coarsened graphs and one at full resolution with a real kNN graph) with GAT and with GCN,
and a transcriptomics batch (2 samples on the 10 x 10 grid at t = 0.3 and 0.995) with GAT.

Usage (from the module root; Debian's python3-torch, see ../shared/peers/README.md):
    /usr/bin/python3 scripts/golden_dmp.py [--peer ../shared/peers/torch_dmp.py]
"""
import argparse
import importlib.util
import json
import os
import sys

WIDTH, LAYERS = 6, 3


def load_peer(path):
    spec = importlib.util.spec_from_file_location("torch_dmp", path)
    mod = importlib.util.module_from_spec(spec)
    sys.argv = sys.argv[:1] + ["--threads", "1"]  # the peer reads its thread count at import
    spec.loader.exec_module(mod)
    return mod


def flat(t):
    return [float("%.9g" % v) for v in t.detach().double().reshape(-1).tolist()]


def perturb(torch, model, gen):
    """BatchNorm gamma, beta, running mean and variance and the conv biases (zeros at init)
    away from their initial values; the Linear layers keep torch's initialisation."""
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, torch.nn.BatchNorm1d):
                n = m.num_features
                m.weight.copy_(1 + 0.3 * torch.randn(n, generator=gen))
                m.bias.copy_(0.3 * torch.randn(n, generator=gen))
                m.running_mean.copy_(0.3 * torch.randn(n, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(n, generator=gen))
        for name, p in model.named_parameters():
            if name.startswith("model.convs.") and name.endswith(".bias"):
                p.copy_(0.2 * torch.randn(p.shape, generator=gen))


def state(model):
    """Parameters and buffers, each once (a shared BatchNorm appears under its first name)."""
    out = {}
    for name, p in model.named_parameters():
        out[name] = {"shape": list(p.shape), "values": flat(p)}
    for name, b in model.named_buffers():
        if name.endswith("num_batches_tracked"):
            continue
        out[name] = {"shape": list(b.shape), "values": flat(b)}
    return out


def graph_record(g, n_in):
    """One sample's graph for a Go graphs.Plan."""
    n = g["x_og"].shape[0]
    return {
        "n": n,
        "supernodes": g["x_cg"].shape[0],
        "t": float("%.9g" % float(g["x_og"][0, -1])),
        "x": flat(g["x_og"][:, :n_in]),  # the network's input without t (Go appends it)
        "pos": flat(g["pos_og"]),
        "super_pos": flat(g["pos_cg"]),
        "assign": [int(v) for v in g["og_to_cg_edge_index"][1].tolist()],
        "edge_src": [int(v) for v in g["edge_index_cg"][0].tolist()],
        "edge_dst": [int(v) for v in g["edge_index_cg"][1].tolist()],
        "edge_attr": flat(g["edge_attr_cg"]),
        "fine_attr": flat(g["og_to_cg_edge_attr"]),
    }


def run_case(peer, torch, name, task, conv, graphs, seed):
    c = peer.CFG[task]
    torch.manual_seed(seed)
    model = peer.AdaptiveGNN(conv, c["in_dim"], WIDTH, c["out_dim"], c["pos_dim"], LAYERS)
    gen = torch.Generator().manual_seed(seed + 1)
    perturb(torch, model, gen)
    weights = state(model)
    b = peer.collate(graphs)
    model.train()
    out = model(b)
    r = torch.randn(out.shape, generator=gen)
    (out * r).sum().backward()
    grads = {n: flat(p.grad) for n, p in model.named_parameters() if p.grad is not None}
    after = {n: v for n, v in state(model).items() if "running_" in n}
    model.eval()
    with torch.no_grad():
        out_eval = model(b)
    n_in = c["in_dim"] - 1
    return {
        "name": name, "task": task, "conv": conv, "width": WIDTH, "layers": LAYERS,
        "in": n_in, "out": c["out_dim"], "pos_dim": c["pos_dim"],
        "graphs": [graph_record(g, n_in) for g in graphs],
        "weights": weights,
        "r": flat(r),
        "train_out": flat(out),
        "train_grads": grads,
        "running_after_train": after,
        "eval_out": flat(out_eval),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--peer", default=os.path.join(here, "..", "..", "shared", "peers", "torch_dmp.py"))
    ap.add_argument("--out", default=os.path.join(here, "..", "models", "testdata", "golden_reference.json"))
    args = ap.parse_args()
    peer = load_peer(args.peer)
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)

    gen = torch.Generator().manual_seed(123)
    ddpm = peer.DDPM(1000)
    clouds = (torch.rand(3, 40, 3, generator=gen) - 0.5) * 0.5
    torch.manual_seed(1)  # the graph code draws unused noise from the global generator
    mn = [peer.modelnet_graph(x, "dmp", ddpm, 7, t=torch.tensor([t])) for x, t in zip(clouds, (0.2, 0.8, 1.0))]
    grid = peer.st_grid()
    feats = torch.rand(2, 100, 3, generator=gen)
    st = [peer.st_graph(f, grid, "dmp", 5, t=torch.tensor([t])) for f, t in zip(feats, (0.3, 0.995))]

    cases = [
        run_case(peer, torch, "modelnet40-gat", "modelnet", "gat", mn, 10),
        run_case(peer, torch, "modelnet40-gcn", "modelnet", "gcn", mn, 11),
        run_case(peer, torch, "transcriptomics-gat", "st", "gat", st, 12),
    ]
    for cs in cases:
        sizes = [(g["n"], g["supernodes"], len(g["edge_src"])) for g in cs["graphs"]]
        print(f"{cs['name']}: graphs (nodes, supernodes, edges) {sizes}", file=sys.stderr)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"source": "scripts/golden_dmp.py with ../shared/peers/torch_dmp.py, torch " + torch.__version__,
                   "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
