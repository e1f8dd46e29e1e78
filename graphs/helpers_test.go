package graphs

import (
	"math"
	"math/rand"
)

// lcgCloud returns n points of dimension dim with coordinates in [-0.5, 0.5) from a 64-bit
// LCG, the same stream as the Python script that produced the voxel golden values.
func lcgCloud(n, dim int, seed uint64) []float64 {
	x := seed
	pos := make([]float64, n*dim)
	for i := range pos {
		x = x*6364136223846793005 + 1442695040888963407
		pos[i] = float64(x>>11)/float64(uint64(1)<<53) - 0.5
	}
	return pos
}

// uniformCloud returns n points uniform in [-0.5, 0.5)^dim.
func uniformCloud(rng *rand.Rand, n, dim int) []float64 {
	pos := make([]float64, n*dim)
	for i := range pos {
		pos[i] = rng.Float64() - 0.5
	}
	return pos
}

// latticeCloud returns the points of the integer grid {0..side-1}^dim in a shuffled order:
// a cloud full of exactly tied distances.
func latticeCloud(rng *rand.Rand, side, dim int) []float64 {
	n := int(math.Pow(float64(side), float64(dim)))
	pos := make([]float64, 0, n*dim)
	for _, i := range rng.Perm(n) {
		for range dim {
			pos = append(pos, float64(i%side))
			i /= side
		}
	}
	return pos
}

// naiveKNN is the obvious O(n^2 k) kNN with ties by index, written independently of the
// package's heap and k-d tree: for each node, insertion into a sorted list of the k best.
func naiveKNN(pos []float64, n, dim, k int) Edges {
	var e Edges
	kk := min(k, n-1)
	for i := 0; i < n; i++ {
		best := make([]int, 0, kk+1)
		bd := make([]float64, 0, kk+1)
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			var d float64
			for c := 0; c < dim; c++ {
				x := pos[i*dim+c] - pos[j*dim+c]
				d += x * x
			}
			// j is visited in increasing order, so an equal distance goes after the others
			p := len(best)
			for p > 0 && bd[p-1] > d {
				p--
			}
			if p >= kk {
				continue
			}
			best = append(best, 0)
			bd = append(bd, 0)
			copy(best[p+1:], best[p:])
			copy(bd[p+1:], bd[p:])
			best[p], bd[p] = j, d
			if len(best) > kk {
				best, bd = best[:kk], bd[:kk]
			}
		}
		for _, j := range best {
			e.Src = append(e.Src, j)
			e.Dst = append(e.Dst, i)
		}
	}
	return e
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
