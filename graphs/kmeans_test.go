package graphs

import (
	"errors"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// blobs returns k well-separated Gaussian blobs of m points each in 3-D, and the blob of each
// point.
func blobs(rng *rand.Rand, k, m int) ([]float64, []int) {
	var pos []float64
	var label []int
	for c := 0; c < k; c++ {
		for i := 0; i < m; i++ {
			pos = append(pos, 10*float64(c)+0.1*rng.NormFloat64(), 5*float64(c%2)+0.1*rng.NormFloat64(), 0.1*rng.NormFloat64())
			label = append(label, c)
		}
	}
	return pos, label
}

func TestKMeans_RecoversBlobs(t *testing.T) {
	pos, label := blobs(rand.New(rand.NewSource(1)), 4, 25)
	assign, centres, err := KMeans(pos, 100, 3, 4, rand.New(rand.NewSource(2)), KMeansConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// Same partition up to relabelling: points of one blob share a cluster, blobs differ.
	of := map[int]int{}
	for i, c := range assign {
		if prev, ok := of[label[i]]; ok && prev != c {
			t.Fatalf("blob %d split between clusters %d and %d", label[i], prev, c)
		}
		of[label[i]] = c
	}
	seen := map[int]bool{}
	for _, c := range of {
		if seen[c] {
			t.Fatalf("two blobs in cluster %d", c)
		}
		seen[c] = true
	}
	// Centres are the members' means.
	for c := 0; c < 4; c++ {
		var s [3]float64
		cnt := 0
		for i, a := range assign {
			if a == c {
				for d := 0; d < 3; d++ {
					s[d] += pos[3*i+d]
				}
				cnt++
			}
		}
		for d := 0; d < 3; d++ {
			if math.Abs(s[d]/float64(cnt)-centres[3*c+d]) > 1e-12 {
				t.Fatalf("centre %d coordinate %d = %v, members' mean %v", c, d, centres[3*c+d], s[d]/float64(cnt))
			}
		}
	}
}

func TestKMeans_DeterministicAndLocalOptimum(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	pos := make([]float64, 60*3)
	for i := range pos {
		pos[i] = rng.NormFloat64()
	}
	a1, c1, err := KMeans(pos, 60, 3, 7, rand.New(rand.NewSource(9)), KMeansConfig{})
	if err != nil {
		t.Fatal(err)
	}
	a2, c2, _ := KMeans(pos, 60, 3, 7, rand.New(rand.NewSource(9)), KMeansConfig{})
	if !slices.Equal(a1, a2) || !slices.Equal(c1, c2) {
		t.Fatal("same seed gave different clusterings")
	}
	// Converged: every point is nearest to its own centre, and no cluster is empty.
	count := make([]int, 7)
	for i, c := range a1 {
		count[c]++
		own := sqDist(pos[3*i:3*i+3], c1[3*c:3*c+3])
		for o := 0; o < 7; o++ {
			if sqDist(pos[3*i:3*i+3], c1[3*o:3*o+3]) < own-1e-12 {
				t.Fatalf("point %d is nearer to centre %d than to its own %d", i, o, c)
			}
		}
	}
	for c, n := range count {
		if n == 0 {
			t.Fatalf("cluster %d is empty", c)
		}
	}
}

func TestKMeans_EveryPointItsOwnCluster(t *testing.T) {
	pos := []float64{0, 0, 1, 0, 0, 1, 1, 1, 1, 1} // a duplicate: (1, 1) twice
	assign, _, err := KMeans(pos, 5, 2, 5, rand.New(rand.NewSource(4)), KMeansConfig{})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(assign)
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("k = n: clusters %v, want a permutation of 0..4", assign)
	}
}

func TestKMeans_Errors(t *testing.T) {
	pos := []float64{0, 0, 1, 1}
	rng := rand.New(rand.NewSource(1))
	for _, tc := range []struct {
		name string
		k    int
		pos  []float64
		rng  *rand.Rand
		want error
	}{
		{"k = 0", 0, pos, rng, ErrShape},
		{"k > n", 3, pos, rng, ErrShape},
		{"NaN", 1, []float64{0, math.NaN(), 1, 1}, rng, ErrValue},
		{"nil rng", 1, pos, nil, ErrConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := KMeans(tc.pos, 2, 2, tc.k, tc.rng, KMeansConfig{}); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
