// Package generative holds the generative processes that train and sample a denoiser: DDPM
// diffusion and conditional flow matching, conditioning by replacement, the training loop and
// the sampler loop. It knows nothing of graphs. The noise level t (t = 0 noise, t = 1 data) is
// converted to a DDPM integer timestep here and nowhere else.
//
// # The two processes
//
// DDPM (Ho et al., 2020) with diffusers' DDPMScheduler defaults: T = 1000 steps, linear betas
// from 1e-4 to 0.02, epsilon prediction, the x0 prediction clipped to [-1, 1], the "fixed small"
// posterior variance and ancestral sampling. With ᾱ_i = Π_{s ≤ i} (1 - β_s),
//
//	q(x_i | x_0) = N( sqrt(ᾱ_i) x_0, (1 - ᾱ_i) I ).
//
// The noise level t maps to the index i by i = min(floor(T (1 - t)), T - 1) in training (see
// DDPM.TrainIndex), and the network sees t = 1 - i/(T - 1) at index i in sampling (DDPM.Level).
//
// Conditional flow matching with σ = 0 (Lipman et al., 2023; Tong et al., 2024):
//
//	x_t = t x_1 + (1 - t) x_0,   x_0 ~ N(0, I),   target u_t = x_1 - x_0,
//
// sampled by S Euler steps x ← x + v(x, t_i)/S at t_i = i/S, i = 0 … S-1.
//
// # Data layout
//
// A sample is Shape.Nodes × Shape.Dim numbers, row-major (node by node), one []float64 per
// sample; a batch hands the network B samples concatenated, B·Nodes·Dim numbers, and the
// network returns a [B·Nodes, Dim] node. Data sets are [][]float64, one slice per sample
// (Split makes such views of one flat slice without copying).
//
// # Loops
//
// Trainer runs the training loop (Adam with warm-up, EMA, optional gradient clipping, atomic
// checkpoints, a CSV loss log, bit-for-bit resume); Sample runs the sampler loop on the EMA
// weights with optional conditioning by replacement. Every draw comes from a stream derived
// from a seed and a counter (the step, the epoch, the sample index), so a resumed run draws
// exactly what the uninterrupted run draws, and a sample does not depend on the batch it was
// generated in. docs/generative.md describes the conventions and the checkpoint layout.
package generative
