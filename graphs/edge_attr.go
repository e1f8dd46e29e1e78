package graphs

import (
	"fmt"
	"math"
)

// EdgeLengths returns the Euclidean length |pos_Dst[e] - pos_Src[e]| of every edge of e
// between points of dimension dim (row-major in pos). Errors wrap ErrShape for an index
// outside the points.
func EdgeLengths(pos []float64, dim int, e Edges) ([]float64, error) {
	if dim < 1 || len(pos)%dim != 0 || len(e.Src) != len(e.Dst) {
		return nil, fmt.Errorf("graphs: edge lengths: %d coordinates of dimension %d, %d sources and %d destinations: %w", len(pos), dim, len(e.Src), len(e.Dst), ErrShape)
	}
	n := len(pos) / dim
	out := make([]float64, len(e.Src))
	for m, j := range e.Src {
		i := e.Dst[m]
		if j < 0 || j >= n || i < 0 || i >= n {
			return nil, fmt.Errorf("graphs: edge lengths: edge %d is %d -> %d with %d points: %w", m, j, i, n, ErrShape)
		}
		if dim == 3 { // sqDist, unrolled
			a, b := pos[3*i:3*i+3:3*i+3], pos[3*j:3*j+3:3*j+3]
			x, y, z := a[0]-b[0], a[1]-b[1], a[2]-b[2]
			out[m] = math.Sqrt(float64(x*x) + float64(y*y) + float64(z*z))
			continue
		}
		out[m] = math.Sqrt(dist2(pos, dim, i, j))
	}
	return out, nil
}

// EdgeAttributes returns the edge attributes of the reference (docs/REFERENCE.md §3): two numbers
// per edge, its length and then the noise level t, row-major ([len(lengths), 2]).
func EdgeAttributes(lengths []float64, t float64) []float64 {
	out := make([]float64, 2*len(lengths))
	for m, l := range lengths {
		out[2*m] = l
		out[2*m+1] = t
	}
	return out
}

// FineEdges returns the fine-to-supernode edges j -> assign[j], one per original node j in
// increasing order: the edges along which coarsening gathers (and, reversed, spreading
// scatters). Src indexes original nodes, Dst supernodes.
func FineEdges(assign []int) Edges {
	e := Edges{Src: make([]int, len(assign)), Dst: make([]int, len(assign))}
	for j, c := range assign {
		e.Src[j] = j
		e.Dst[j] = c
	}
	return e
}

// FineAttributes returns the attributes of the fine-to-supernode edges: two numbers per
// original node j, the distance |pos_j - superPos_assign[j]| to its supernode and then t.
// Errors wrap ErrShape.
func FineAttributes(pos, superPos []float64, dim int, assign []int, t float64) ([]float64, error) {
	if dim < 1 || len(pos) != len(assign)*dim || len(superPos)%dim != 0 {
		return nil, fmt.Errorf("graphs: fine-edge attributes: %d coordinates, %d supernode coordinates, %d assignments, dimension %d: %w", len(pos), len(superPos), len(assign), dim, ErrShape)
	}
	s := len(superPos) / dim
	out := make([]float64, 2*len(assign))
	for j, c := range assign {
		if c < 0 || c >= s {
			return nil, fmt.Errorf("graphs: fine-edge attributes: node %d assigned to supernode %d of %d: %w", j, c, s, ErrShape)
		}
		var d2 float64
		for d := range dim {
			x := pos[j*dim+d] - superPos[c*dim+d]
			d2 += x * x
		}
		out[2*j] = math.Sqrt(d2)
		out[2*j+1] = t
	}
	return out, nil
}
