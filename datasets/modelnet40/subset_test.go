package modelnet40

import (
	"errors"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

func TestSubset(t *testing.T) {
	const k, dim = 50, 3
	pts := make([]float64, k*dim)
	for i := range pts {
		pts[i] = float64(i) // point p is (3p, 3p+1, 3p+2)
	}
	for _, n := range []int{0, 1, 20, k} {
		out, err := Subset(pts, dim, n, rand.New(rand.NewPCG(1, uint64(n))))
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != n*dim {
			t.Fatalf("n=%d: %d values", n, len(out))
		}
		seen := map[int]bool{}
		var ids []int
		for j := 0; j < n; j++ {
			p := int(out[j*dim]) / dim
			if out[j*dim+1] != float64(dim*p+1) || out[j*dim+2] != float64(dim*p+2) {
				t.Fatalf("n=%d: row %d is not an input point: %v", n, j, out[j*dim:(j+1)*dim])
			}
			if seen[p] {
				t.Fatalf("n=%d: point %d drawn twice", n, p)
			}
			seen[p] = true
			ids = append(ids, p)
		}
		if n == k && sort.IntsAreSorted(ids) {
			t.Errorf("n=k: the identity order, want a random permutation")
		}
	}
}

func TestSubset_Uniform(t *testing.T) {
	// Each of k points is in a subset of n with probability n/k.
	const k, n, trials = 10, 3, 20000
	pts := make([]float64, k)
	for i := range pts {
		pts[i] = float64(i)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	var count [k]int
	for i := 0; i < trials; i++ {
		out, _ := Subset(pts, 1, n, rng)
		for _, v := range out {
			count[int(v)]++
		}
	}
	const shareTol = 0.02 // sd of the share 0.3 over 20000 trials is 0.0032
	for p, c := range count {
		if s := float64(c) / trials; s < 0.3-shareTol || s > 0.3+shareTol {
			t.Errorf("point %d drawn in %.3f of the subsets, want 0.3", p, s)
		}
	}
}

func TestSubset_Errors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	pts := make([]float64, 12)
	cases := []struct {
		name string
		pts  []float64
		dim  int
		n    int
		rng  *rand.Rand
	}{
		{"too many", pts, 3, 5, rng},
		{"negative", pts, 3, -1, rng},
		{"ragged", pts[:11], 3, 1, rng},
		{"dimension 0", pts, 0, 1, rng},
		{"nil rng", pts, 3, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Subset(tc.pts, tc.dim, tc.n, tc.rng); !errors.Is(err, datasets.ErrArgument) {
				t.Errorf("error %v, want ErrArgument", err)
			}
		})
	}
}
