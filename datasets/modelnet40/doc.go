// Package modelnet40 loads ModelNet40 (Wu et al., "3D ShapeNets", CVPR 2015) as fixed-size point
// clouds for the shape-generation experiment of Section 5.1 (Tables 1 and 2) of "Geometric
// Generative Modeling with Noise-Conditioned Graph Networks" (ICML 2025), and fetches the official
// archive.
//
// # Layouts
//
// Load reads a split ("train" or "test") from either of two layouts under a root folder:
//
//	<root>/<class>/<split>/<class>_NNNN.off   the official Princeton ModelNet40.zip, unzipped
//	<root>/<class>/<split>/<class>_NNNN.npy   per-object point clouds, float32 (k, 3)
//
// A root that holds a ModelNet40/ folder (as Fetch leaves it) is followed into it. The
// point-cloud folders (e.g. ../shared/data/modelnet40-1024/ModelNet40, 1024 surface samples per
// object) are already surface samples: their Source is Stored.
//
// # One object
//
// Objects are ordered by class, then file name (the reference's loaders do not shuffle and
// deliver category order). Object i of the split's full listing (all classes, before any filter)
// draws from its own generator ObjectRand(seed, i), so its cloud does not depend on the filters,
// on Limit or on the number of workers. Its cloud of Points points is
//
//   - Vertices (the reference): Points mesh vertices drawn without replacement (Subset);
//   - Surface: Points area-weighted uniform samples of the mesh surface
//     (datasets.Mesh.SampleSurface, faces fan-triangulated);
//   - Stored (.npy layout): Points of the stored points drawn without replacement;
//
// then normalised (Normalise): centred at its mean, divided by its largest absolute coordinate
// and multiplied by Scale, so that max |x| = Scale. The default Scale is the reference's
// 0.5·0.49999999 (points in [−0.25, 0.25]); the paper's text says [−0.5, 0.5] (Scale 0.5).
//
// # Filters and what is skipped
//
// An object with fewer available points (mesh vertices or stored points) than MinPoints is
// skipped, and so is one with fewer than Points points to draw from (Vertices, Stored): every
// cloud has exactly Points points. This departs from the reference's training split, which keeps
// such meshes with all their vertices (clouds of varying size); its test split keeps meshes with
// at least 400 vertices and takes the first 2232, i.e. MinPoints 400 (implied by Points 400) and
// Limit 2232. Set.Counts reports how many objects were skipped and why. Meshes with no surface area
// (Surface) and clouds with no extent (all points equal) are skipped and counted as Degenerate.
//
// # Determinism and parallelism
//
// Objects are read by Config.Workers goroutines (default GOMAXPROCS), each writing only its
// objects' slots; results are collected in listing order. The same root, Config and seed give the
// same bytes for any number of workers.
package modelnet40
