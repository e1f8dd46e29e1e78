package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// tolClosedForm is the absolute tolerance for values with a closed form on sets of O(1)
// coordinates (rounding of sums of square roots).
const tolClosedForm = 1e-12

// randomSet draws m vectors of length d with coordinates from draw.
func randomSet(m, d int, draw func() float64) [][]float64 {
	s := make([][]float64, m)
	for i := range s {
		s[i] = make([]float64, d)
		for k := range s[i] {
			s[i][k] = draw()
		}
	}
	return s
}

func TestOT_BruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	kinds := []struct {
		name string
		d    int
		draw func() float64
	}{
		{"gaussian 3-D", 3, rng.NormFloat64},
		{"gaussian 12-D", 12, rng.NormFloat64},
		{"integer grid 2-D (ties, zero costs)", 2, func() float64 { return float64(rng.IntN(2)) }},
		{"1-D", 1, rng.Float64},
	}
	for _, k := range kinds {
		for m := 1; m <= 7; m++ {
			t.Run(fmt.Sprintf("%s/m=%d", k.name, m), func(t *testing.T) {
				a, b := randomSet(m, k.d, k.draw), randomSet(m, k.d, k.draw)
				got, err := OT(a, b)
				if err != nil {
					t.Fatal(err)
				}
				cost := make([]float64, m*m)
				for i := range a {
					for j := range b {
						cost[i*m+j] = math.Sqrt(sqDist(a[i], b[j]))
					}
				}
				want := bruteForceAssignment(cost, m) / float64(m)
				if math.Abs(got-want) > tolExact*math.Max(want, 1) {
					t.Errorf("OT = %.17g, brute force = %.17g", got, want)
				}
			})
		}
	}
}

// TestOT_OneDimensional checks that in 1-D the optimal matching pairs the sorted values
// (|x - y| is convex), for sizes far beyond brute force.
func TestOT_OneDimensional(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, m := range []int{1, 10, 100, 400} {
		t.Run(fmt.Sprintf("m=%d", m), func(t *testing.T) {
			x, y := make([]float64, m), make([]float64, m)
			a, b := make([][]float64, m), make([][]float64, m)
			for i := range x {
				x[i], y[i] = rng.NormFloat64(), 2+3*rng.Float64()
				a[i], b[i] = []float64{x[i]}, []float64{y[i]}
			}
			slices.Sort(x)
			slices.Sort(y)
			var want float64
			for i := range x {
				want += math.Abs(x[i] - y[i])
			}
			want /= float64(m)
			got, err := OT(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > tolExact*math.Max(want, 1) {
				t.Errorf("OT = %.17g, sorted matching = %.17g", got, want)
			}
		})
	}
}

func TestOT_ClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	a := randomSet(50, 6, rng.NormFloat64)
	shuffled := slices.Clone(a)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	v := []float64{0.3, -1.2, 0.5, 0, 2, -0.1}
	var norm float64
	for _, c := range v {
		norm += c * c
	}
	norm = math.Sqrt(norm)
	translate := func(s [][]float64, v []float64) [][]float64 {
		out := make([][]float64, len(s))
		for i, x := range s {
			out[i] = make([]float64, len(x))
			for k := range x {
				out[i][k] = x[k] + v[k]
			}
		}
		return out
	}
	tests := []struct {
		name string
		a, b [][]float64
		want float64
	}{
		{"identical sets", a, a, 0},
		{"same set, shuffled", a, shuffled, 0},
		{"translate by v gives |v|", a, translate(a, v), norm},
		{"shuffled translate by v gives |v|", translate(shuffled, v), a, norm},
		{"single vectors", [][]float64{{0, 0}}, [][]float64{{3, 4}}, 5},
		{"two points swap", [][]float64{{0}, {1}}, [][]float64{{1}, {0}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OT(tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > tolClosedForm*math.Max(tc.want, 1) {
				t.Errorf("OT = %.17g, want %.17g", got, tc.want)
			}
		})
	}
}

func TestFlattenedW2(t *testing.T) {
	a := [][]float64{{0, 0, 0, 0}, {1, 1, 1, 1}}
	b := [][]float64{{0, 0, 0, 2}, {1, 1, 1, 1}}
	for _, tc := range []struct {
		name      string
		normalize float64
		want      float64
	}{
		{"normalize 1", 1, 1}, // (2 + 0) / 2
		{"normalize 400", 400, 1.0 / 400},
		{"normalize 8", 8, 0.125},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FlattenedW2(a, b, tc.normalize)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > tolClosedForm {
				t.Errorf("FlattenedW2 = %v, want %v", got, tc.want)
			}
		})
	}
	// The convention is order-dependent: the same two clouds, points listed in another order,
	// give another value.
	cloud := [][]float64{{0, 0, 1, 0}} // one cloud of two 2-D points, flattened
	swapped := [][]float64{{1, 0, 0, 0}}
	w, err := FlattenedW2(cloud, swapped, 2)
	if err != nil {
		t.Fatal(err)
	}
	if w == 0 {
		t.Errorf("FlattenedW2 of a cloud and its reordering = 0; the flattened convention should depend on order")
	}
}

// TestFlattenedW2_Collapse checks two properties that decide what the paper's W2 can rank
// (docs/experiments.md, "What the paper's W2 measures"). (1) Generated clouds that are all
// the same cloud g cost the same under every coupling, so W2 is the mean over the reference
// clouds of |g - x| / n in closed form; for g at the origin that is the reference clouds'
// mean norm / n. (2) The point-order-dependent W2 of a cloud against its own points listed in
// another order is positive, and a cloud collapsed onto the reference's centroid scores below
// the reference itself (an independent draw of the same shape in random point order): the
// metric rewards shrinking towards the centre.
func TestFlattenedW2_Collapse(t *testing.T) {
	const m, n = 12, 50
	rng := rand.New(rand.NewPCG(5, 6))
	draw := func() [][]float64 { return randomSet(m, 3*n, func() float64 { return 0.25 * (2*rng.Float64() - 1) }) }
	ref, other := draw(), draw()
	origin := randomSet(m, 3*n, func() float64 { return 0 })
	got, err := FlattenedW2(origin, ref, n)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, x := range ref {
		s := 0.0
		for _, v := range x {
			s += v * v
		}
		want += math.Sqrt(s) / n / m
	}
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("W2 of clouds at the origin = %.15g, want the mean norm / n = %.15g", got, want)
	}
	same, err := FlattenedW2(other, ref, n)
	if err != nil {
		t.Fatal(err)
	}
	if !(got < same) {
		t.Errorf("W2 of clouds at the origin %.4g, of clouds drawn like the reference %.4g: want the collapsed clouds lower", got, same)
	}
}

// TestFlattenedW2_BoxBound checks the upper bound of the flattened W2 for clouds whose
// coordinates all lie in [-a, a]: every point is at most the box's diagonal 2a√3 from any
// other, so W2 ≤ 2a√3 / √n (n points per cloud), reached by clouds in opposite corners. For the
// reference's normalisation (a = 0.25) and n = 400 that is 4.33 × 10⁻², below the paper's
// Table 1 kNN values: those networks generated points outside the data's box.
func TestFlattenedW2_BoxBound(t *testing.T) {
	const m, n, a = 6, 400, 0.25
	bound := 2 * a * math.Sqrt(3) / math.Sqrt(n)
	corner := func(v float64) [][]float64 { return randomSet(m, 3*n, func() float64 { return v }) }
	got, err := FlattenedW2(corner(a), corner(-a), n)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-bound) > 1e-12 {
		t.Errorf("W2 of opposite corners = %.15g, want the bound %.15g", got, bound)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 20; trial++ {
		in := func() float64 { return a * (2*rng.Float64() - 1) }
		w, err := FlattenedW2(randomSet(m, 3*n, in), randomSet(m, 3*n, in), n)
		if err != nil {
			t.Fatal(err)
		}
		if w > bound {
			t.Fatalf("trial %d: W2 %.6g above the box bound %.6g", trial, w, bound)
		}
	}
}

func TestOT_Errors(t *testing.T) {
	good := [][]float64{{1, 2}, {3, 4}}
	tests := []struct {
		name      string
		a, b      [][]float64
		normalize float64
		want      error
	}{
		{"different sizes", good, [][]float64{{1, 2}}, 1, ErrShape},
		{"empty", nil, nil, 1, ErrShape},
		{"ragged first", [][]float64{{1, 2}, {3}}, good, 1, ErrShape},
		{"different dimension", good, [][]float64{{1, 2, 3}, {4, 5, 6}}, 1, ErrShape},
		{"zero-length vectors", [][]float64{{}, {}}, [][]float64{{}, {}}, 1, ErrShape},
		{"NaN", good, [][]float64{{1, 2}, {math.NaN(), 4}}, 1, ErrValue},
		{"Inf", [][]float64{{math.Inf(-1), 2}, {3, 4}}, good, 1, ErrValue},
		{"overflowing distance", [][]float64{{-1e300}, {0}}, [][]float64{{1e300}, {0}}, 1, ErrValue},
		{"normalize 0", good, good, 0, ErrValue},
		{"normalize negative", good, good, -2, ErrValue},
		{"normalize NaN", good, good, math.NaN(), ErrValue},
		{"normalize Inf", good, good, math.Inf(1), ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FlattenedW2(tc.a, tc.b, tc.normalize)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestEuclideanCost_Deterministic checks that the cost matrix is bit-identical on one and on
// several goroutines, and agrees with a direct computation.
func TestEuclideanCost_Deterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	a, b := randomSet(37, 23, rng.NormFloat64), randomSet(41, 23, rng.NormFloat64)
	prev := runtime.GOMAXPROCS(1)
	one, err := EuclideanCost(a, b)
	runtime.GOMAXPROCS(4)
	four, err2 := EuclideanCost(a, b)
	runtime.GOMAXPROCS(prev)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if !slices.Equal(one, four) {
		t.Errorf("cost matrices on 1 and 4 goroutines differ")
	}
	for i := range a {
		for j := range b {
			var s float64
			for k := range a[i] {
				s += (a[i][k] - b[j][k]) * (a[i][k] - b[j][k])
			}
			if math.Abs(one[i*len(b)+j]-math.Sqrt(s)) > tolExact*math.Sqrt(s) {
				t.Fatalf("cost[%d, %d] = %v, want %v", i, j, one[i*len(b)+j], math.Sqrt(s))
			}
		}
	}
}
