package graphs

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// TestKNNGraph_AgainstNaive compares KNNGraph (brute force or k-d tree, as it picks) with an
// independent naive search on random clouds up to n = 5000 and on lattices full of ties.
func TestKNNGraph_AgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	type cloud struct {
		name   string
		pos    []float64
		n, dim int
	}
	var clouds []cloud
	for _, n := range []int{1, 2, 3, 10, 97, 200, 1000} {
		for dim := 1; dim <= 3; dim++ {
			clouds = append(clouds, cloud{fmt.Sprintf("uniform/n=%d/d=%d", n, dim), uniformCloud(rng, n, dim), n, dim})
		}
	}
	clouds = append(clouds,
		cloud{"uniform/n=5000/d=3", uniformCloud(rng, 5000, 3), 5000, 3},
		cloud{"lattice/n=1728/d=3", latticeCloud(rng, 12, 3), 1728, 3},
		cloud{"lattice/n=900/d=2", latticeCloud(rng, 30, 2), 900, 2},
		cloud{"lattice/n=300/d=1", latticeCloud(rng, 300, 1), 300, 1},
		cloud{"duplicates/n=400/d=3", make([]float64, 1200), 400, 3},
	)
	for _, c := range clouds {
		ks := []int{1, 7, 26}
		if c.n <= 400 { // the full graph, sorted: the naive search is O(n^3) there
			ks = append(ks, c.n-1, c.n+5)
		}
		if c.n == 5000 {
			ks = []int{7}
		}
		for _, k := range ks {
			if k < 1 {
				continue
			}
			t.Run(fmt.Sprintf("%s/k=%d", c.name, k), func(t *testing.T) {
				got, err := KNNGraph(c.pos, c.n, c.dim, k)
				if err != nil {
					t.Fatal(err)
				}
				want := naiveKNN(c.pos, c.n, c.dim, k)
				if !sameInts(got.Src, want.Src) || !sameInts(got.Dst, want.Dst) {
					t.Fatalf("edges differ from the naive search (%d vs %d edges)", got.Len(), want.Len())
				}
			})
		}
	}
}

// TestKNNGraph_TreeEqualsBrute runs both methods on the same clouds, including sizes where
// KNNGraph would pick only one of them.
func TestKNNGraph_TreeEqualsBrute(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, tc := range []struct {
		name   string
		pos    []float64
		n, dim int
		k      int
	}{
		{"uniform small", uniformCloud(rng, 50, 3), 50, 3, 5},
		{"uniform k large", uniformCloud(rng, 600, 3), 600, 3, 300},
		{"lattice", latticeCloud(rng, 10, 3), 1000, 3, 6},
		{"lattice 2d k=8", latticeCloud(rng, 40, 2), 1600, 2, 8},
		{"clustered", clusteredCloud(rng, 2000), 2000, 3, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kk := min(tc.k, tc.n-1)
			brute := make([]int, tc.n*kk)
			tree := make([]int, tc.n*kk)
			knnBrute(tc.pos, tc.n, tc.dim, kk, brute)
			newKDTree(tc.pos, tc.n, tc.dim).knn(kk, tree)
			if !sameInts(brute, tree) {
				t.Fatal("k-d tree and brute force disagree")
			}
		})
	}
}

// clusteredCloud has a few tight clusters far apart, with duplicated points.
func clusteredCloud(rng *rand.Rand, n int) []float64 {
	pos := make([]float64, 0, 3*n)
	for i := range n {
		c := float64(i % 5 * 100)
		for range 3 {
			pos = append(pos, c+math.Round(rng.NormFloat64()*4)/4)
		}
	}
	return pos
}

// TestKNNGraph_Order checks the documented layout on a line: grouped by destination, sources
// by distance then index.
func TestKNNGraph_Order(t *testing.T) {
	pos := []float64{0, 1, 2, 3, 10}
	e, err := KNNGraph(pos, 5, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantSrc := []int{1, 2, 0, 2, 1, 3, 2, 1, 3, 2}
	wantDst := []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}
	if !sameInts(e.Src, wantSrc) || !sameInts(e.Dst, wantDst) {
		t.Errorf("edges %v -> %v, want %v -> %v", e.Src, e.Dst, wantSrc, wantDst)
	}
	// k >= n-1: the full graph, still ordered by distance
	e, err = KNNGraph(pos, 5, 1, 9)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3, 4}; !sameInts(e.Src[:4], want) || e.Len() != 20 {
		t.Errorf("full: node 0 sources %v of %d edges, want %v of 20", e.Src[:4], e.Len(), want)
	}
}

func TestKNNGraph_Errors(t *testing.T) {
	tests := []struct {
		name   string
		pos    []float64
		n, dim int
		k      int
		want   error
	}{
		{"k 0", []float64{0, 1}, 2, 1, 0, ErrConfig},
		{"NaN", []float64{0, math.NaN()}, 2, 1, 1, ErrValue},
		{"shape", []float64{0, 1, 2}, 2, 2, 1, ErrShape},
		{"negative n", nil, -1, 2, 1, ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := KNNGraph(tc.pos, tc.n, tc.dim, tc.k); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func BenchmarkKNNGraph(b *testing.B) {
	for _, n := range []int{400, 1600, 6400, 25600} {
		for _, method := range []string{"auto", "brute"} {
			if method == "brute" && n > 1600 {
				continue
			}
			b.Run(fmt.Sprintf("N=%d/k=7/%s", n, method), func(b *testing.B) {
				pos := uniformCloud(rand.New(rand.NewSource(1)), n, 3)
				b.ReportAllocs()
				for b.Loop() {
					if method == "brute" {
						src := make([]int, n*7)
						knnBrute(pos, n, 3, 7, src)
						benchInts = src
						continue
					}
					e, err := KNNGraph(pos, n, 3, 7)
					if err != nil {
						b.Fatal(err)
					}
					benchInts = e.Src
				}
			})
		}
	}
}

var benchInts []int

func TestSortNeighbours(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, n := range []int{0, 1, 2, 5, 13, 40, 300, 2000} {
		for _, k := range []int{1, 3, n / 2, n - 1, n} {
			s := make([]neighbour, n)
			for j := range s {
				s[j] = neighbour{float64(rng.Intn(max(n/4, 1))), j} // many tied distances
			}
			rng.Shuffle(n, func(a, b int) { s[a], s[b] = s[b], s[a] })
			want := append([]neighbour(nil), s...)
			slices.SortFunc(want, func(a, b neighbour) int {
				if a.before(b) {
					return -1
				}
				return 1
			})
			sortNeighbours(s, k)
			for m := 0; m < min(k, n); m++ {
				if s[m] != want[m] {
					t.Fatalf("n=%d k=%d: position %d is %v, want %v", n, k, m, s[m], want[m])
				}
			}
		}
	}
	// the depth limit's heapsort path
	s := make([]neighbour, 100)
	for j := range s {
		s[j] = neighbour{float64(100 - j), j}
	}
	heapSortNeighbours(s)
	for m := range s {
		if s[m].j != 99-m {
			t.Fatalf("heapsort: position %d holds %d", m, s[m].j)
		}
	}
}
