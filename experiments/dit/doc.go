// Package dit reproduces the paper's Section 5.3 (Table 4) at a size a CPU can train: a
// class-conditional DiT with patch 4 and full attention against DiT-DMP, whose patch size
// follows the noise level (4, 2, 1 on 32 × 32 inputs) with neighbourhood attention, both
// trained as DDPM ε-predictors on images that stand in for the paper's VAE latents (MNIST by
// default, an image folder or precomputed latents as options).
//
// Image quality is measured on the features of a small classifier trained here on the same
// data (models.Classifier), named as such in every table ("FID (MNIST classifier features)"):
// no Inception network is available. FID on its hidden features, sFID on its spatial
// (per-patch) features, Inception Score on its class probabilities, precision and recall
// (Kynkäänniemi et al.) on its hidden features.
//
// Compute: Table 4 reports, per model, the attention query-key pairs and the FLOPs of one
// network evaluation per image, averaged over the diffusion steps (uniform, as in training):
// DiT-DMP's default windows match the baseline's attention pairs at every patch size, but its
// linear layers cost 4× and 16× more at the finer patches, so "equal compute" holds for the
// attention only (docs/REFERENCE.md §8); the reference's windows are an option.
package dit
