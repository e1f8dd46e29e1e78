package datasets

// Samples views an array of m = Shape[0] samples as m flattened vectors, without copying.
// The array must have at least one dimension and Shape[0] >= 1.
func (a *Array) Samples() [][]float64 {
	m := a.Shape[0]
	size := len(a.Data) / m
	out := make([][]float64, m)
	for i := range out {
		out[i] = a.Data[i*size : (i+1)*size : (i+1)*size]
	}
	return out
}

// Clouds views an (m, n, d) array as m clouds of n points of d coordinates, without copying.
func (a *Array) Clouds() [][][]float64 {
	m, n, d := a.Shape[0], a.Shape[1], a.Shape[2]
	out := make([][][]float64, m)
	for i := range out {
		out[i] = make([][]float64, n)
		for p := range out[i] {
			off := (i*n + p) * d
			out[i][p] = a.Data[off : off+d : off+d]
		}
	}
	return out
}
