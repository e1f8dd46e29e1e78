package graphs

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func TestLongShortGraph(t *testing.T) {
	for _, tc := range []struct{ n, k int }{{1, 3}, {2, 1}, {5, 2}, {10, 9}, {10, 20}, {400, 7}, {50, 49}} {
		t.Run(fmt.Sprintf("n=%d/k=%d", tc.n, tc.k), func(t *testing.T) {
			e := LongShortGraph(tc.n, tc.k, rand.New(rand.NewSource(3)))
			kk := max(min(tc.k, tc.n-1), 0)
			if e.Len() != tc.n*kk || len(e.Dst) != len(e.Src) {
				t.Fatalf("%d edges, want %d", e.Len(), tc.n*kk)
			}
			for i := range tc.n {
				seen := map[int]bool{}
				for m := i * kk; m < (i+1)*kk; m++ {
					j := e.Src[m]
					if e.Dst[m] != i || j == i || j < 0 || j >= tc.n || seen[j] {
						t.Fatalf("node %d: edge %d is %d -> %d (seen %v)", i, m, j, e.Dst[m], seen[j])
					}
					if m > i*kk && e.Src[m-1] > j {
						t.Fatalf("node %d: sources not increasing", i)
					}
					seen[j] = true
				}
			}
		})
	}
	// a seed fixes the graph; another seed changes it
	a := LongShortGraph(400, 7, rand.New(rand.NewSource(5)))
	b := LongShortGraph(400, 7, rand.New(rand.NewSource(5)))
	c := LongShortGraph(400, 7, rand.New(rand.NewSource(6)))
	if !sameInts(a.Src, b.Src) || sameInts(a.Src, c.Src) {
		t.Error("LongShortGraph is not a function of the seed")
	}
	if e := LongShortGraph(10, 3, nil); e.Len() != 0 {
		t.Errorf("nil rng: %d edges, want 0", e.Len())
	}
}

// TestLongShortGraph_Uniform: each other node is a source equally often (chi-square test at a
// generous threshold, fixed seed).
func TestLongShortGraph_Uniform(t *testing.T) {
	const n, k, draws = 6, 2, 4000
	rng := rand.New(rand.NewSource(7))
	counts := make([]float64, n) // sources of node 0
	for range draws {
		e := LongShortGraph(n, k, rng)
		for m := range k {
			counts[e.Src[m]]++
		}
	}
	if counts[0] != 0 {
		t.Fatalf("node 0 is its own source %v times", counts[0])
	}
	want := float64(draws*k) / (n - 1)
	var chi2 float64
	for _, c := range counts[1:] {
		chi2 += (c - want) * (c - want) / want
	}
	const chi2Max = 20.5 // p ~ 0.0004 for 4 degrees of freedom
	if chi2 > chi2Max || math.IsNaN(chi2) {
		t.Errorf("source counts %v, chi2 = %.1f > %v", counts[1:], chi2, chi2Max)
	}
}

func TestFullGraph(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5} {
		e := FullGraph(n)
		if want := max(n*(n-1), 0); e.Len() != want {
			t.Fatalf("n=%d: %d edges, want %d", n, e.Len(), want)
		}
		for m := range e.Src {
			if e.Src[m] == e.Dst[m] {
				t.Fatalf("n=%d: self loop %d", n, e.Src[m])
			}
		}
	}
	e := FullGraph(3)
	if want := []int{1, 2, 0, 2, 0, 1}; !sameInts(e.Src, want) || !sameInts(e.Dst, []int{0, 0, 1, 1, 2, 2}) {
		t.Errorf("FullGraph(3) = %v -> %v", e.Src, e.Dst)
	}
}
