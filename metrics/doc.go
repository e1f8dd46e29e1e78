// Package metrics holds exact, deterministic evaluation: optimal transport between two
// equal-size uniform sets (an assignment problem), the paper's flattened "W2", and the
// permutation-invariant point-cloud metrics (Chamfer, EMD, MMD, COV, 1-NNA) with the
// conventions of docs/EVALUATION.md.
//
// Assignment solves the linear assignment problem exactly (Jonker-Volgenant initialisation,
// then Crouse's shortest augmenting paths); OT and FlattenedW2 build on it with Euclidean
// ground cost. Chamfer and EMD compare two clouds in PointFlow's conventions (squared
// distances with means; Euclidean matching cost / n); Pairwise, MMD, COV, OneNNA and Evaluate
// compare a generated set with a reference set. Every Result states its convention.
//
// Transport solves exact optimal transport between histograms of any sizes and masses
// (successive shortest paths); GromovWasserstein computes the square-loss Gromov-Wasserstein
// discrepancy by POT's conditional-gradient solver with exact line search, on top of it.
//
// For images, FitGaussian, FrechetDistance and FID compare feature statistics exactly (the
// matrix square root by symmetric eigendecomposition), InceptionScore scores class
// probabilities, and PrecisionRecall is Kynkäänniemi et al.'s k-NN manifold estimate; the
// features come from whichever network the caller names (models.Classifier here).
//
// Parallel kernels (EuclideanCost, Pairwise) split work by output index and never reduce
// across goroutines, so results do not depend on GOMAXPROCS. Bad input returns an error
// wrapping ErrShape or ErrValue and naming the set, sample and coordinate at fault; nothing
// panics on bad input.
package metrics
