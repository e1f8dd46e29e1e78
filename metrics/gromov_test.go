package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// tolGW is the tolerance of GW values that should agree exactly in exact arithmetic (closed
// forms, POT's golden values): float64 rounding of the sums.
const tolGW = 1e-9

func randCloud(rng *rand.Rand, n, d int) [][]float64 {
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, d)
		for k := range x[i] {
			x[i][k] = rng.NormFloat64()
		}
	}
	return x
}

// rotate applies a random rotation (Gram-Schmidt of a Gaussian 3×3), a translation and a
// permutation of the points.
func rotate(rng *rand.Rand, x [][]float64) [][]float64 {
	var q [3][3]float64
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			q[r][c] = rng.NormFloat64()
		}
		for s := 0; s < r; s++ {
			dot := q[r][0]*q[s][0] + q[r][1]*q[s][1] + q[r][2]*q[s][2]
			for c := 0; c < 3; c++ {
				q[r][c] -= dot * q[s][c]
			}
		}
		norm := math.Sqrt(q[r][0]*q[r][0] + q[r][1]*q[r][1] + q[r][2]*q[r][2])
		for c := 0; c < 3; c++ {
			q[r][c] /= norm
		}
	}
	perm := rng.Perm(len(x))
	out := make([][]float64, len(x))
	for i, p := range perm {
		out[i] = make([]float64, 3)
		for r := 0; r < 3; r++ {
			out[i][r] = q[r][0]*x[p][0] + q[r][1]*x[p][1] + q[r][2]*x[p][2] + 0.7*float64(r+1)
		}
	}
	return out
}

func TestGromovWasserstein_ClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := randCloud(rng, 12, 3)
	y := randCloud(rng, 9, 3)

	t.Run("isometric copy scores 0", func(t *testing.T) {
		got, err := GromovWassersteinClouds(x, rotate(rng, x), GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got) > tolGW {
			t.Errorf("GW(x, rotated permuted x) = %g, want 0", got)
		}
	})
	t.Run("invariant to rotation and permutation", func(t *testing.T) {
		a, err := GromovWassersteinClouds(x, y, GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := GromovWassersteinClouds(rotate(rng, x), rotate(rng, y), GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if a <= 0 || math.Abs(a-b) > tolGW*math.Max(1, a) {
			t.Errorf("GW(x, y) = %.15g, GW(Rx, R'y) = %.15g: want equal and positive", a, b)
		}
	})
	t.Run("symmetric", func(t *testing.T) {
		a, err := GromovWassersteinClouds(x, y, GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := GromovWassersteinClouds(y, x, GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(a-b) > tolGW*math.Max(1, a) {
			t.Errorf("GW(x, y) = %.15g, GW(y, x) = %.15g", a, b)
		}
	})
	t.Run("one point against a cloud", func(t *testing.T) {
		// The only coupling is p ⊗ q: GW = Σ_jl C2_jl² q_j q_l, the mean squared distance.
		got, err := GromovWassersteinClouds([][]float64{{3, 1, 4}}, y, GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for j := range y {
			for l := range y {
				want += sqDist(y[j], y[l]) / float64(len(y)*len(y))
			}
		}
		if math.Abs(got-want) > tolGW*want {
			t.Errorf("GW(point, y) = %.15g, want the mean squared distance %.15g", got, want)
		}
	})
	t.Run("two points against two points", func(t *testing.T) {
		// Distances d and e with uniform weights: the diagonal coupling gives
		// 2·(1/4)·(d − e)² and the product coupling more, so GW = (d − e)²/2.
		got, err := GromovWassersteinClouds([][]float64{{0, 0}, {3, 0}}, [][]float64{{0}, {1}}, GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if want := 2.0; math.Abs(got-want) > tolGW {
			t.Errorf("GW = %.15g, want %g", got, want)
		}
	})
	t.Run("a local minimum is a coupling, below the product coupling", func(t *testing.T) {
		cx, _ := DistanceMatrix(x)
		cy, _ := DistanceMatrix(y)
		r, err := GromovWasserstein(cx, cy, nil, nil, GWConfig{})
		if err != nil {
			t.Fatal(err)
		}
		p, q := make([]float64, len(x)), make([]float64, len(y))
		for i := range p {
			p[i] = 1 / float64(len(p))
		}
		for j := range q {
			q[j] = 1 / float64(len(q))
		}
		checkPlan(t, r.Plan, p, q)
		prod := 0.0 // brute force Σ (C1_ik − C2_jl)² p_i q_j p_k q_l
		for i := range x {
			for k := range x {
				for j := range y {
					for l := range y {
						d := cx[i][k] - cy[j][l]
						prod += d * d * p[i] * p[k] * q[j] * q[l]
					}
				}
			}
		}
		brute := 0.0 // brute force of the loss at the returned plan
		m := len(y)
		for i := range x {
			for k := range x {
				for j := range y {
					for l := range y {
						d := cx[i][k] - cy[j][l]
						brute += d * d * r.Plan[i*m+j] * r.Plan[k*m+l]
					}
				}
			}
		}
		if math.Abs(brute-r.Loss) > tolGW*math.Max(1, brute) {
			t.Errorf("loss %.15g, brute force at the plan %.15g", r.Loss, brute)
		}
		if !(r.Loss < prod) {
			t.Errorf("loss %.15g not below the product coupling's %.15g", r.Loss, prod)
		}
	})
}

// goldenGW is metrics/testdata/golden_gw.json, written by scripts/golden_gw.py (POT).
type goldenGW struct {
	Seed       int    `json:"seed"`
	POTVersion string `json:"pot_version"`
	Problems   []struct {
		Name       string      `json:"name"`
		C1         [][]float64 `json:"c1"`
		C2         [][]float64 `json:"c2"`
		P          []float64   `json:"p"`
		Q          []float64   `json:"q"`
		Plan       [][]float64 `json:"plan"`
		GW2        float64     `json:"gw2"`
		Iterations int         `json:"iterations"`
	} `json:"problems"`
}

func TestGromovWasserstein_GoldenPOT(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "golden_gw.json"))
	if err != nil {
		t.Fatalf("golden values missing (regenerate with /usr/bin/python3 scripts/golden_gw.py): %v", err)
	}
	var g goldenGW
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Problems) == 0 {
		t.Fatal("testdata/golden_gw.json holds no problems")
	}
	for _, p := range g.Problems {
		t.Run(p.Name, func(t *testing.T) {
			r, err := GromovWasserstein(p.C1, p.C2, p.P, p.Q, GWConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(r.Loss, p.GW2, tolGW) {
				t.Errorf("GW = %.17g, POT %s gromov_wasserstein2 = %.17g", r.Loss, g.POTVersion, p.GW2)
			}
			m := len(p.Q)
			worst := 0.0
			for i, row := range p.Plan {
				for j, v := range row {
					worst = math.Max(worst, math.Abs(r.Plan[i*m+j]-v))
				}
			}
			if worst > 1e-9 {
				t.Errorf("plan differs from POT's by up to %g", worst)
			}
			if r.Iterations != p.Iterations {
				t.Errorf("%d iterations, POT %d", r.Iterations, p.Iterations)
			}
		})
	}
}

func TestGromovWasserstein_Errors(t *testing.T) {
	c2 := [][]float64{{0, 1}, {1, 0}}
	for _, tc := range []struct {
		name   string
		c1, c2 [][]float64
		p      []float64
		cfg    GWConfig
		want   error
	}{
		{"empty", nil, c2, nil, GWConfig{}, ErrShape},
		{"ragged", [][]float64{{0, 1}, {1}}, c2, nil, GWConfig{}, ErrShape},
		{"NaN", [][]float64{{0, math.NaN()}, {1, 0}}, c2, nil, GWConfig{}, ErrValue},
		{"weights size", c2, c2, []float64{1}, GWConfig{}, ErrShape},
		{"negative weight", c2, c2, []float64{1.5, -0.5}, GWConfig{}, ErrValue},
		{"bad config", c2, c2, nil, GWConfig{MaxIter: -1}, ErrValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := GromovWasserstein(tc.c1, tc.c2, tc.p, nil, tc.cfg); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
