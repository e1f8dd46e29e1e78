package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// randomCloud draws n points of dimension d from N(center, scale²) per coordinate.
func randomCloud(rng *rand.Rand, n, d int, center, scale float64) [][]float64 {
	return randomSet(n, d, func() float64 { return center + scale*rng.NormFloat64() })
}

func TestChamfer_HandComputed(t *testing.T) {
	tests := []struct {
		name string
		x, y [][]float64
		want float64
	}{
		{"identical", [][]float64{{0, 0}, {1, 2}}, [][]float64{{1, 2}, {0, 0}}, 0},
		// Each point's nearest is at squared distance 1 in both directions: 1 + 1.
		{"unit square rows", [][]float64{{0, 0}, {1, 0}}, [][]float64{{0, 1}, {1, 1}}, 2},
		// X -> Y: 0; Y -> X: (0 + 4) / 2 = 2. Sizes may differ.
		{"different sizes", [][]float64{{0}}, [][]float64{{0}, {2}}, 2},
		// Squared, not plain: one pair at distance 3 gives 9 + 9.
		{"squared distances", [][]float64{{0, 0, 0}}, [][]float64{{3, 0, 0}}, 18},
		// Means, not sums: X -> Y (1 + 1 + 9) / 3; Y -> X (1 + 1) / 2 = 1 (sums would give 13).
		{"means not sums", [][]float64{{0}, {2}, {6}}, [][]float64{{1}, {3}}, 11.0/3 + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Chamfer(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > tolClosedForm {
				t.Errorf("Chamfer = %v, want %v", got, tc.want)
			}
			rev, _ := Chamfer(tc.y, tc.x)
			if math.Abs(rev-got) > tolClosedForm {
				t.Errorf("Chamfer not symmetric: %v and %v", got, rev)
			}
		})
	}
}

func TestEMD_HandComputed(t *testing.T) {
	tests := []struct {
		name string
		x, y [][]float64
		want float64
	}{
		{"identical, reordered", [][]float64{{0, 0}, {1, 2}}, [][]float64{{1, 2}, {0, 0}}, 0},
		{"unit square rows", [][]float64{{0, 0}, {1, 0}}, [][]float64{{0, 1}, {1, 1}}, 1},
		// Euclidean, not squared: (5 + 5) / 2.
		{"not squared", [][]float64{{0, 0}, {10, 0}}, [][]float64{{3, 4}, {13, 4}}, 5},
		// The crossing matching 0->3, 1->2 costs the same as the straight one in 1-D: (3+1)/2.
		{"1-D", [][]float64{{0}, {1}}, [][]float64{{2}, {3}}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EMD(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > tolClosedForm {
				t.Errorf("EMD = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestEMD_EqualsOT checks EMD against OT on the clouds' points and the brute-force matching.
func TestEMD_EqualsOT(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for n := 1; n <= 7; n++ {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			x, y := randomCloud(rng, n, 3, 0, 1), randomCloud(rng, n, 3, 0.5, 1)
			emd, err := EMD(x, y)
			if err != nil {
				t.Fatal(err)
			}
			ot, err := OT(x, y)
			if err != nil {
				t.Fatal(err)
			}
			cost := make([]float64, n*n)
			for i := range x {
				for j := range y {
					cost[i*n+j] = math.Sqrt(sqDist(x[i], y[j]))
				}
			}
			want := bruteForceAssignment(cost, n) / float64(n)
			if math.Abs(emd-want) > tolExact*math.Max(want, 1) || emd != ot {
				t.Errorf("EMD = %.17g, OT = %.17g, brute force = %.17g", emd, ot, want)
			}
		})
	}
}

func TestCloudDistances_Errors(t *testing.T) {
	good := [][]float64{{0, 0, 0}, {1, 1, 1}}
	tests := []struct {
		name    string
		x, y    [][]float64
		wantCD  error // nil: Chamfer accepts the input
		wantEMD error
	}{
		{"EMD needs equal sizes", good, [][]float64{{0, 0, 0}}, nil, ErrShape},
		{"empty", nil, good, ErrShape, ErrShape},
		{"dimensions differ", good, [][]float64{{0, 0}, {1, 1}}, ErrShape, ErrShape},
		{"ragged", [][]float64{{0, 0, 0}, {1, 1}}, good, ErrShape, ErrShape},
		{"NaN", good, [][]float64{{0, 0, 0}, {1, math.NaN(), 1}}, ErrValue, ErrValue},
		{"Inf", [][]float64{{math.Inf(1), 0, 0}, {1, 1, 1}}, good, ErrValue, ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Chamfer(tc.x, tc.y); !errors.Is(err, tc.wantCD) {
				t.Errorf("Chamfer err = %v, want %v", err, tc.wantCD)
			}
			if _, err := EMD(tc.x, tc.y); !errors.Is(err, tc.wantEMD) {
				t.Errorf("EMD err = %v, want %v", err, tc.wantEMD)
			}
		})
	}
	if _, err := Distance(0).Between(good, good); !errors.Is(err, ErrValue) {
		t.Errorf("unknown distance: err = %v, want ErrValue", err)
	}
}

// TestPairwise checks the pairwise matrices against the single distances, their symmetry,
// and that they are bit-identical on one and on several goroutines.
func TestPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	s := make([][][]float64, 7)
	r := make([][][]float64, 5)
	for i := range s {
		s[i] = randomCloud(rng, 20, 3, 0, 1)
	}
	for i := range r {
		r[i] = randomCloud(rng, 20, 3, 0.2, 1)
	}
	for _, d := range []Distance{DistCD, DistEMD} {
		t.Run(d.String(), func(t *testing.T) {
			prev := runtime.GOMAXPROCS(1)
			one, err1 := Pairwise(s, r, d)
			oneW, err2 := PairwiseWithin(s, d)
			runtime.GOMAXPROCS(4)
			four, err3 := Pairwise(s, r, d)
			fourW, err4 := PairwiseWithin(s, d)
			runtime.GOMAXPROCS(prev)
			if err := errors.Join(err1, err2, err3, err4); err != nil {
				t.Fatal(err)
			}
			for i := range s {
				for j := range r {
					want, _ := d.Between(s[i], r[j])
					if one[i][j] != want || four[i][j] != want {
						t.Fatalf("D[%d][%d] = %v (1 goroutine), %v (4), want %v", i, j, one[i][j], four[i][j], want)
					}
				}
				for j := range s {
					want := 0.0
					if i < j {
						want, _ = d.Between(s[i], s[j])
					} else if i > j {
						want = oneW[j][i]
					}
					if oneW[i][j] != want || fourW[i][j] != want {
						t.Fatalf("within D[%d][%d] = %v (1 goroutine), %v (4), want %v", i, j, oneW[i][j], fourW[i][j], want)
					}
				}
			}
		})
	}
}

func TestPairwise_Errors(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	c := func(n, d int) [][]float64 { return randomCloud(rng, n, d, 0, 1) }
	bad := c(4, 3)
	bad[2][1] = math.NaN()
	tests := []struct {
		name string
		s, r [][][]float64
		d    Distance
		want error
	}{
		{"unknown distance", [][][]float64{c(4, 3)}, [][][]float64{c(4, 3)}, Distance(9), ErrValue},
		{"empty set", nil, [][][]float64{c(4, 3)}, DistCD, ErrShape},
		{"point counts differ within a set", [][][]float64{c(4, 3), c(5, 3)}, [][][]float64{c(4, 3)}, DistCD, ErrShape},
		{"point counts differ between sets", [][][]float64{c(4, 3)}, [][][]float64{c(5, 3)}, DistEMD, ErrShape},
		{"dimensions differ", [][][]float64{c(4, 3)}, [][][]float64{c(4, 2)}, DistCD, ErrShape},
		{"NaN", [][][]float64{c(4, 3)}, [][][]float64{c(4, 3), bad}, DistEMD, ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Pairwise(tc.s, tc.r, tc.d); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
