// Package datasets reads and writes the data of ncgn: .npy arrays, ModelNet40 (official OFF
// archive and per-object point-cloud folders), GeometricShapes, and the reaction-diffusion
// transcriptomics simulator (sub-package transcriptomics).
package datasets
