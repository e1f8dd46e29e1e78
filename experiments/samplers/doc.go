// Package samplers measures the trade-off between sampling cost and sample quality: every
// sampler of the generative package, at several numbers of steps, on the trained DMP and kNN
// networks of the paper's two tasks, against the paper's sampler (1000 DDPM steps on
// ModelNet40, 200 Euler steps of the flow on spatial transcriptomics).
//
// The networks are those of experiments/modelnet40 (Table 1's GAT kNN and DMP) and
// experiments/transcriptomics (Table 3's GAT kNN and DMP): this experiment asks those
// experiments for them (their Source), so a network either experiment has trained is reused
// and one trained here is reused by them. Only sampling and scoring are this experiment's own.
//
// # Cells
//
// A cell is one (task, network, sampler setting), e.g. "modelnet40/dmp-gat/ddim-50", computed
// once per training seed: the test set's size of samples drawn with the setting from the
// network of that seed, with the same sampling seed for every setting (common random numbers),
// scored with the task's metrics (ModelNet40: the paper's W2 × 10² and 1-NNA-CD; transcriptomics:
// Table 3's unconditional W2) and, for W2, on resamples of the test set (the same resamples for
// every setting, so that two settings are compared paired). The network evaluations (NFE) of a
// cell are counted by the sampler: steps × evaluations per step for the fixed-step samplers,
// what the adaptive solver needed for dopri5.
//
// # Outputs
//
// Per task a table of every setting × network (modelnet40.md, transcriptomics.md, with .csv
// and .json) and figures of quality against NFE (modelnet40-w2.png, modelnet40-nna.png,
// transcriptomics-w2.png) with the paper's sampler marked as a dashed line per network; and
// cheapest.md: for each task and network the cheapest setting whose quality is not resolved
// worse than the paper's sampler (the 95 % interval of the paired difference, over seeds and
// test resamples, reaches 0 or below, on every metric of the task), with the speed-up in
// evaluations and in seconds.
package samplers
