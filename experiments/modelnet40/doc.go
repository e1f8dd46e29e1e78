// Package modelnet40 reproduces Section 5.1 and 5.1.1 of "Geometric Generative Modeling with
// Noise-Conditioned Graph Networks" (ICML 2025): Table 1, 3-D shape generation on ModelNet40
// with GCN and GAT layers on a random baseline and the kNN, long-short range and DMP graphs,
// and Table 2, DMP GAT with the four adaptive schedules (linear, exp, log, relu).
//
// # Protocol
//
// Clouds of 400 points (docs/REFERENCE.md §6) are read with datasets/modelnet40 from the official
// OFF archive (mesh vertices, as the paper) or from a point-cloud folder (stored surface
// samples, e.g. ../shared/data/modelnet40-1024), each centred and scaled to the reference's
// largest |coordinate| 0.25. The test clouds are, by default, selected as the reference does:
// the test objects with at least 400 points, in listing (class) order, the first TestClouds;
// with fewer than the whole split this keeps only the first classes, so the tables name the
// classes in use; --selection balanced takes as many from every class instead.
//
// One network per cell, always the reference architecture (models.ArchReference, width 64,
// 3 layers, k = 7), is trained with DDPM (T = 1000, linear betas, ε prediction, the x0
// prediction clipped to [-1, 1]; docs/REFERENCE.md §1 and §5: Adam, linear warm-up over 10 steps,
// EMA 0.95, the clouds in stored order) and generates, with its EMA weights, as many clouds as
// there are test clouds. The paper's orientation of the noise level (t = 0 noise) is the
// default; --orientation reference trains and samples every network with the reference
// code's inverted time, and every run also reports DMP GAT (exp) in the other orientation.
// The random baseline draws every coordinate from N(0, 1), the DDPM prior.
//
// # Metrics
//
// Every cell reports the paper's W2 (× 10⁻²: the exact optimal-transport cost between the
// generated and the test set, each cloud flattened in point order, divided by the points) and
// PointFlow's MMD, COV and 1-NNA under Chamfer distance and exact EMD (docs/metrics.md), on the
// clouds as they are (test clouds normalised as above, generated clouds as generated). With
// --seeds N every cell is computed for N training seeds (initialisation, training and
// sampling; the same data) and reported as a mean with its 95 % interval; the W2 is also
// computed on bootstrap resamples of the test clouds (the same resamples for every method), so
// that the comparisons the paper makes (DMP against kNN and long-short, exp against the other
// schedules) are paired over seeds and test clouds and called resolved only when their 95 %
// interval excludes 0.
//
// # Cells and cache
//
// Cells are named "table1/random", "table1/CONV-GRAPH" (e.g. "table1/gat-dmp", which is also
// Table 2's exp column), "table2/gat-dmp-SCHEDULE" and "table2/gat-dmp-exp-reference-orientation".
// Each replicate of a cell is cached in OUT/modelnet40/cache under a key of everything that
// determines it (preset, data, seeds, and the fingerprint of the code it depends on), with its
// generated set; networks are cached with their weights and checkpoint while training, so an
// interrupted run resumes. Runs with non-default options write into a sub-folder named after
// them (e.g. OUT/modelnet40/selection-balanced).
package modelnet40
