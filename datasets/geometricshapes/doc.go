// Package geometricshapes reads PyTorch Geometric's GeometricShapes data set (Fey & Lenssen,
// 2019): 40 simple 2-D and 3-D shapes (circles, cubes, cones, tori, pyramids, ...), one OFF mesh
// per class, the shapes of the empirical analysis of Section 3.2 (Figures 3, 4 and 10) of
// "Geometric Generative Modeling with Noise-Conditioned Graph Networks" (ICML 2025).
//
// # The archive
//
// ReadZip reads raw.zip as PyG downloads it, without unpacking it:
//
//	raw/<class>/train/<class>.off
//	raw/<class>/test/<class>.off      (the same mesh as train)
//
// and checks its SHA-256 against SHA256 unless told not to (for another copy of the data). The
// meshes are small: 3 to 864 vertices, faces of 3 or more vertices.
//
// # Point clouds
//
// Sample turns the meshes of one split into fixed-size clouds, Config.PerClass clouds per shape:
//
//   - Surface (default): Points area-weighted uniform samples of the surface
//     (datasets.Mesh.SampleSurface), the analogue of PyG's SamplePoints;
//   - Vertices: Points mesh vertices without replacement; meshes with fewer vertices are skipped
//     and counted (only a few shapes have 400 vertices).
//
// then normalised as ModelNet40's clouds are (modelnet40.Normalise: centred, largest absolute
// coordinate equal to Scale, default the reference's 0.5·0.49999999). Cloud c of shape s of a
// split draws from CloudRand(seed, split, s, c), with s the class's index among all the archive's
// classes, so a cloud does not depend on the class filter, and train and test clouds differ even
// though their meshes are the same.
package geometricshapes
