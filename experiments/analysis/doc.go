// Package analysis reproduces the analysis behind noise-conditioned graph networks, Section 3,
// Appendix A and D.1 of "Geometric Generative Modeling with Noise-Conditioned Graph Networks"
// (ICML 2025): `ncgn experiment analysis` writes figure{2,3,4,5,10}.{png,csv,md}.
//
//   - Figure 2 (Kappa, OptimalRadius): the radius r* in (0, 1] maximising the mutual
//     information ½ log κ(r, c) of Lemma A.1 at SNR c, κ in the form Lemma A.2 differentiates
//     (docs/REFERENCE.md §10); r* falls as the SNR grows (Theorem 3.2).
//   - Figure 3 (AttentionNet, TrainAttentionNet, AttentionByDistance): the attention of a
//     fully connected one-layer GAT denoiser against node distance at several noise levels,
//     for position and for feature generation on GeometricShapes.
//   - Figures 4 and 10 (CloudGW, Pool): the Gromov-Wasserstein discrepancy
//     (metrics.GromovWasserstein) between clean shapes and noisy shapes coarse-grained by
//     k-means (graphs.KMeans) with max or mean pooling, and the GW-minimising cluster count
//     against the noise level.
//   - Figure 5: the four adaptive schedules (package schedules) and the supernodes and
//     neighbours that graphs.NewPlan actually produces on a real noisy cloud.
//
// Presets (Presets) size each scale: smoke runs in seconds inside the tests, small gives the
// committed results, paper is larger. Every csv row and caption states the preset, seed, data,
// computing and wall time, the commit and the code fingerprint (experiments.Fingerprint); the
// expensive parts (GW curves, trained networks' attention) are cached in OUT/analysis/cache
// keyed by the preset, seed and code fingerprint. The data is GeometricShapes' raw.zip at
// ../shared/data/geometric-shapes/raw.zip, or where NCGN_GEOMETRICSHAPES_ZIP points.
package analysis
