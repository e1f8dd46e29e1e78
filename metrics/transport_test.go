package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// tolTransport is the absolute tolerance of transport costs and plan entries.
const tolTransport = 1e-12

// checkPlan verifies the marginals of a transport plan.
func checkPlan(t *testing.T, plan, a, b []float64) {
	t.Helper()
	n, m := len(a), len(b)
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < m; j++ {
			if plan[i*m+j] < 0 {
				t.Fatalf("plan[%d][%d] = %v < 0", i, j, plan[i*m+j])
			}
			s += plan[i*m+j]
		}
		if math.Abs(s-a[i]) > 1e-12 {
			t.Fatalf("row %d sums to %v, want %v", i, s, a[i])
		}
	}
	for j := 0; j < m; j++ {
		s := 0.0
		for i := 0; i < n; i++ {
			s += plan[i*m+j]
		}
		if math.Abs(s-b[j]) > 1e-12 {
			t.Fatalf("column %d sums to %v, want %v", j, s, b[j])
		}
	}
}

// TestTransport_MatchesAssignment: between uniform histograms of equal size the optimum is a
// permutation (Birkhoff), so the cost is the assignment's total / n.
func TestTransport_MatchesAssignment(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 5, 17, 40} {
		cost := make([]float64, n*n)
		for k := range cost {
			cost[k] = rng.Float64()*10 - 3
		}
		u := make([]float64, n)
		for i := range u {
			u[i] = 1 / float64(n)
		}
		plan, got, err := Transport(u, u, cost)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, plan, u, u)
		_, total, err := Assignment(cost, n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-total/float64(n)) > tolTransport*math.Max(1, math.Abs(got)) {
			t.Errorf("n = %d: transport %.15g, assignment / n %.15g", n, got, total/float64(n))
		}
	}
}

// TestTransport_OneDimensional: on the line with cost (x − y)² the monotone (north-west
// corner on sorted points) coupling is optimal, for any masses.
func TestTransport_OneDimensional(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 20; trial++ {
		n, m := 1+rng.IntN(12), 1+rng.IntN(12)
		x, y := sortedRand(rng, n), sortedRand(rng, m)
		a, b := randHist(rng, n), randHist(rng, m)
		cost := make([]float64, n*m)
		for i := range x {
			for j := range y {
				cost[i*m+j] = (x[i] - y[j]) * (x[i] - y[j])
			}
		}
		plan, got, err := Transport(a, b, cost)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, plan, a, b)
		// North-west corner rule.
		want := 0.0
		ra, rb := append([]float64(nil), a...), append([]float64(nil), b...)
		for i, j := 0, 0; i < n && j < m; {
			f := math.Min(ra[i], rb[j])
			want += f * cost[i*m+j]
			ra[i] -= f
			rb[j] -= f
			if ra[i] <= 1e-15 && i < n-1 {
				i++
			} else if rb[j] <= 1e-15 {
				j++
			} else {
				i++
			}
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("trial %d (%d×%d): transport %.15g, monotone coupling %.15g", trial, n, m, got, want)
		}
	}
}

func sortedRand(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	sort.Float64s(x)
	return x
}

func randHist(rng *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	s := 0.0
	for i := range w {
		w[i] = 0.1 + rng.Float64()
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func TestTransport_Errors(t *testing.T) {
	u2 := []float64{0.5, 0.5}
	for _, tc := range []struct {
		name    string
		a, b, c []float64
		want    error
	}{
		{"empty", nil, u2, nil, ErrShape},
		{"cost size", u2, u2, []float64{1, 2, 3}, ErrShape},
		{"negative mass", []float64{1.5, -0.5}, u2, []float64{0, 0, 0, 0}, ErrValue},
		{"unequal totals", []float64{1, 1}, u2, []float64{0, 0, 0, 0}, ErrValue},
		{"NaN cost", u2, u2, []float64{0, math.NaN(), 0, 0}, ErrValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := Transport(tc.a, tc.b, tc.c); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
