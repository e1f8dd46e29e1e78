package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/internal/lap"
)

// tolExact is the tolerance, relative to the scale of the costs, for totals that must agree
// up to floating-point rounding of a few dozen additions.
const tolExact = 1e-12

// bruteForceAssignment returns the minimal total over all permutations (Heap's algorithm),
// each total summed in row order.
func bruteForceAssignment(cost []float64, n int) float64 {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	eval := func() {
		var s float64
		for i, j := range perm {
			s += cost[i*n+j]
		}
		if s < best {
			best = s
		}
	}
	c := make([]int, n)
	eval()
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				perm[0], perm[i] = perm[i], perm[0]
			} else {
				perm[c[i]], perm[i] = perm[i], perm[c[i]]
			}
			eval()
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return best
}

// checkPermutation fails the test unless match is a permutation of 0..n-1 whose cost is total.
func checkPermutation(t *testing.T, cost []float64, n int, match []int, total float64) {
	t.Helper()
	if len(match) != n {
		t.Fatalf("len(match) = %d, want %d", len(match), n)
	}
	seen := make([]bool, n)
	var s float64
	for i, j := range match {
		if j < 0 || j >= n || seen[j] {
			t.Fatalf("match = %v is not a permutation", match)
		}
		seen[j] = true
		s += cost[i*n+j]
	}
	if s != total {
		t.Fatalf("total = %v, but the matching costs %v", total, s)
	}
}

func TestAssignment_BruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []struct {
		name string
		draw func() float64
	}{
		{"uniform", func() float64 { return rng.Float64() }},
		{"small integers with ties", func() float64 { return float64(rng.IntN(3)) }},
		{"zeros and ones", func() float64 { return float64(rng.IntN(2)) }},
		{"all zero", func() float64 { return 0 }},
		{"all equal", func() float64 { return 7.5 }},
		{"negative and positive", func() float64 { return 10*rng.Float64() - 5 }},
		{"wide range", func() float64 { return math.Exp(20 * (rng.Float64() - 0.5)) }},
	}
	for _, k := range kinds {
		for n := 1; n <= 7; n++ {
			for rep := 0; rep < 5; rep++ {
				t.Run(fmt.Sprintf("%s/n=%d/%d", k.name, n, rep), func(t *testing.T) {
					cost := make([]float64, n*n)
					var scale float64
					for i := range cost {
						cost[i] = k.draw()
						scale = math.Max(scale, math.Abs(cost[i]))
					}
					match, total, err := Assignment(cost, n)
					if err != nil {
						t.Fatal(err)
					}
					checkPermutation(t, cost, n, match, total)
					want := bruteForceAssignment(cost, n)
					if math.Abs(total-want) > tolExact*float64(n)*math.Max(scale, 1) {
						t.Errorf("total = %.17g, brute force = %.17g", total, want)
					}
					// The augmentation alone, without the Jonker-Volgenant initialisation.
					plain := lap.Solver{Plain: true}
					pm := make([]int, n)
					pt, err := plain.Solve(cost, n, pm)
					if err != nil {
						t.Fatal(err)
					}
					checkPermutation(t, cost, n, pm, pt)
					if math.Abs(pt-want) > tolExact*float64(n)*math.Max(scale, 1) {
						t.Errorf("augmentation alone: total = %.17g, brute force = %.17g", pt, want)
					}
				})
			}
		}
	}
}

func TestAssignment_Cases(t *testing.T) {
	tests := []struct {
		name      string
		cost      []float64
		n         int
		wantMatch []int
		wantTotal float64
	}{
		{"empty", nil, 0, []int{}, 0},
		{"one", []float64{3}, 1, []int{0}, 3},
		{"anti-diagonal", []float64{5, 1, 1, 5}, 2, []int{1, 0}, 2},
		{"3x3 by hand", []float64{
			4, 1, 3,
			2, 0, 5,
			3, 2, 2}, 3, []int{1, 0, 2}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			match, total, err := Assignment(tc.cost, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(match) != fmt.Sprint(tc.wantMatch) || total != tc.wantTotal {
				t.Errorf("Assignment = %v, %v; want %v, %v", match, total, tc.wantMatch, tc.wantTotal)
			}
		})
	}
}

func TestAssignment_Errors(t *testing.T) {
	tests := []struct {
		name string
		cost []float64
		n    int
		want error
	}{
		{"negative n", nil, -1, ErrShape},
		{"too few costs", []float64{1, 2, 3}, 2, ErrShape},
		{"too many costs", []float64{1, 2, 3, 4, 5}, 2, ErrShape},
		{"NaN", []float64{1, math.NaN(), 3, 4}, 2, ErrValue},
		{"+Inf", []float64{1, 2, math.Inf(1), 4}, 2, ErrValue},
		{"-Inf", []float64{math.Inf(-1), 2, 3, 4}, 2, ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Assignment(tc.cost, tc.n)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestAssignment_InitialisationAgrees checks on problems too large for brute force that the
// Jonker-Volgenant initialisation followed by augmentation finds the same optimum as
// augmentation alone (Crouse's method without initialisation, as in SciPy).
func TestAssignment_InitialisationAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	kinds := []struct {
		name string
		n    int
		fill func(cost []float64, n int)
	}{
		{"uniform", 150, func(c []float64, n int) {
			for i := range c {
				c[i] = rng.Float64()
			}
		}},
		{"integers 0..3 (ties)", 150, func(c []float64, n int) {
			for i := range c {
				c[i] = float64(rng.IntN(4))
			}
		}},
		{"all equal", 40, func(c []float64, n int) {
			for i := range c {
				c[i] = 1
			}
		}},
		{"Euclidean 3-D clouds", 200, func(c []float64, n int) {
			x, y := randomCloud(rng, n, 3, 0, 1), randomCloud(rng, n, 3, 0.2, 1)
			for i := range x {
				for j := range y {
					c[i*n+j] = math.Sqrt(sqDist(x[i], y[j]))
				}
			}
		}},
		{"Euclidean 300-D, near ties", 120, func(c []float64, n int) {
			x, y := randomSet(n, 300, rng.Float64), randomSet(n, 300, rng.Float64)
			for i := range x {
				for j := range y {
					c[i*n+j] = math.Sqrt(sqDist(x[i], y[j]))
				}
			}
		}},
		{"rank one (every permutation optimal up to rounding)", 100, func(c []float64, n int) {
			a, b := randomSet(n, 1, rng.Float64), randomSet(n, 1, rng.Float64)
			for i := range a {
				for j := range b {
					c[i*n+j] = a[i][0] + b[j][0]
				}
			}
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			n := k.n
			cost := make([]float64, n*n)
			k.fill(cost, n)
			match, total, err := Assignment(cost, n)
			if err != nil {
				t.Fatal(err)
			}
			checkPermutation(t, cost, n, match, total)
			plain := lap.Solver{Plain: true}
			pm := make([]int, n)
			want, err := plain.Solve(cost, n, pm)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(total-want) > tolExact*math.Max(math.Abs(want), 1) {
				t.Errorf("with initialisation %.17g, augmentation alone %.17g", total, want)
			}
		})
	}
}

// TestAssignment_Deterministic checks that two runs on a problem with many ties return the
// same matching.
func TestAssignment_Deterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 60
	cost := make([]float64, n*n)
	for i := range cost {
		cost[i] = float64(rng.IntN(4))
	}
	m1, t1, err := Assignment(cost, n)
	if err != nil {
		t.Fatal(err)
	}
	m2, t2, _ := Assignment(cost, n)
	if fmt.Sprint(m1) != fmt.Sprint(m2) || t1 != t2 {
		t.Errorf("two runs differ: %v (%v) and %v (%v)", m1, t1, m2, t2)
	}
	checkPermutation(t, cost, n, m1, t1)
}
