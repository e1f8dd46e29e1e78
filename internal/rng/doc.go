// Package rng holds the project's one seeded-randomness helper: the SplitMix64 mix that
// derives independent generator states from (seed, stream, index) tuples, and constructors
// of the generators those states seed.
//
// Every package that derives per-sample, per-object or per-step streams (graphs, generative,
// datasets/modelnet40, datasets/geometricshapes, datasets/transcriptomics) mixes its inputs
// with SplitMix64 and keeps its own derivation, so that each stream stays exactly what it was
// when the package had its own copy of the mix (pinned by each package's seed tests).
package rng
