package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFrechetDistance_ClosedForms checks FrechetDistance against closed forms: diagonal
// covariances, ‖Δμ‖² + Σ(√a − √b)²; identity against a rotated diag(4, 9), ‖Δμ‖² + 2 +
// tr Σb − 2 tr Σb^{1/2} = ‖Δμ‖² + 2 + 13 − 10; and a Gaussian against itself, 0.
func TestFrechetDistance_ClosedForms(t *testing.T) {
	diag := func(v ...float64) *mat.SymDense {
		m := mat.NewSymDense(len(v), nil)
		for i, x := range v {
			m.SetSym(i, i, x)
		}
		return m
	}
	a := Gaussian{Mean: []float64{1, 2, 3}, Cov: diag(1, 4, 9)}
	b := Gaussian{Mean: []float64{0, 2, 5}, Cov: diag(4, 1, 16)}
	want := 1 + 4 + (1-2)*(1-2) + (2-1)*(2-1) + (3-4)*(3-4)
	if got, err := FrechetDistance(a, b); err != nil || math.Abs(got-float64(want)) > 1e-12 {
		t.Errorf("diagonal: %v (%v), want %v", got, err, want)
	}
	c, s := math.Cos(0.7), math.Sin(0.7)
	r := mat.NewDense(2, 2, []float64{c, -s, s, c})
	var rot mat.Dense
	rot.Mul(r, diag(4, 9))
	rot.Mul(&rot, r.T())
	cb := mat.NewSymDense(2, []float64{rot.At(0, 0), rot.At(0, 1), rot.At(1, 0), rot.At(1, 1)})
	got, err := FrechetDistance(Gaussian{Mean: []float64{0, 0}, Cov: diag(1, 1)}, Gaussian{Mean: []float64{3, 4}, Cov: cb})
	if err != nil || math.Abs(got-(25+2+13-10)) > 1e-10 {
		t.Errorf("rotated: %v (%v), want 30", got, err)
	}
	if got, err := FrechetDistance(b, b); err != nil || got > 1e-12 {
		t.Errorf("itself: %v (%v), want 0", got, err)
	}
	if _, err := FrechetDistance(a, Gaussian{Mean: []float64{1}, Cov: diag(1)}); !errors.Is(err, ErrShape) {
		t.Errorf("dimensions 3 and 1: error %v, want ErrShape", err)
	}
}

// TestFID_Samples checks FitGaussian (mean and unbiased covariance of a tiny set by hand) and
// that FID of two large samples approaches the closed form of their distributions.
func TestFID_Samples(t *testing.T) {
	g, err := FitGaussian([][]float64{{0, 0}, {2, 0}, {1, 3}})
	if err != nil {
		t.Fatal(err)
	}
	// mean (1, 1); deviations (-1,-1), (1,-1), (0,2): cov = [[2, 0], [0, 6]] / 2.
	if g.Mean[0] != 1 || g.Mean[1] != 1 || g.Cov.At(0, 0) != 1 || g.Cov.At(1, 1) != 3 || g.Cov.At(0, 1) != 0 {
		t.Errorf("fit: mean %v, cov %v", g.Mean, mat.Formatted(g.Cov))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int, mu, sd []float64) [][]float64 {
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, len(mu))
			for j := range mu {
				out[i][j] = mu[j] + sd[j]*rng.NormFloat64()
			}
		}
		return out
	}
	x := draw(40000, []float64{0, 0, 0}, []float64{1, 2, 1})
	y := draw(40000, []float64{1, 0, 0}, []float64{1, 1, 3})
	want := 1 + (2-1)*(2-1) + (1-3)*(1-3) // 6
	got, err := FID(x, y)
	if err != nil || math.Abs(got-float64(want)) > 0.15 {
		t.Errorf("FID of samples %v (%v), want about %v", got, err, want)
	}
	if _, err := FID(x[:1], y); !errors.Is(err, ErrShape) {
		t.Errorf("one real vector: error %v, want ErrShape", err)
	}
	y[5][1] = math.NaN()
	if _, err := FID(x, y); !errors.Is(err, ErrValue) {
		t.Errorf("NaN feature: error %v, want ErrValue", err)
	}
}

// TestInceptionScore_ClosedForms: confident predictions spread evenly over K classes score K,
// identical predictions score 1, and two classes with p = (q, 1−q) half the time and
// (1−q, q) otherwise score exp(log 2 − H(q)).
func TestInceptionScore_ClosedForms(t *testing.T) {
	var confident, same, mixed [][]float64
	for i := range 40 {
		p := make([]float64, 10)
		p[i%10] = 1
		confident = append(confident, p)
		same = append(same, []float64{0.3, 0.7})
		q := 0.8
		if i%2 == 1 {
			q = 0.2
		}
		mixed = append(mixed, []float64{q, 1 - q})
	}
	for _, c := range []struct {
		name   string
		probs  [][]float64
		splits int
		want   float64
	}{
		{"confident", confident, 4, 10}, {"same", same, 1, 1},
		{"mixed", mixed, 2, math.Exp(math.Log(2) + 0.8*math.Log(0.8) + 0.2*math.Log(0.2))},
	} {
		m, sd, err := InceptionScore(c.probs, c.splits)
		if err != nil || math.Abs(m-c.want) > 1e-12 || sd > 1e-12 {
			t.Errorf("%s: %v ± %v (%v), want %v", c.name, m, sd, err, c.want)
		}
	}
	if _, _, err := InceptionScore([][]float64{{0.5, 0.6}}, 1); !errors.Is(err, ErrValue) {
		t.Errorf("probabilities summing to 1.1: error %v, want ErrValue", err)
	}
	p := Softmax([][]float64{{0, math.Log(3)}, {1000, 1000}})
	if math.Abs(p[0][1]-0.75) > 1e-15 || p[1][0] != 0.5 {
		t.Errorf("softmax %v", p)
	}
}

// TestPrecisionRecall checks hand-made sets (k = 1): identical sets give 1 and 1; a fake set
// half on the real line (0.5 … 4.5, balls of radius 1) and half far away (radius 50, 1000
// away) has precision 1/2 and recall 6/10 (reals 0 … 5 lie within 1 of a fake); far apart sets
// give 0 and 0.
func TestPrecisionRecall(t *testing.T) {
	var line, half, far [][]float64
	for i := range 10 {
		line = append(line, []float64{float64(i), 0})
		far = append(far, []float64{float64(i), 100})
	}
	for i := range 5 {
		half = append(half, []float64{float64(i) + 0.5, 0}, []float64{float64(i) * 50, 1000})
	}
	for _, c := range []struct {
		name      string
		fake      [][]float64
		prec, rec float64
	}{{"identical", line, 1, 1}, {"half", half, 0.5, 0.6}, {"far", far, 0, 0}} {
		p, r, err := PrecisionRecall(line, c.fake, 1)
		if err != nil || p != c.prec || r != c.rec {
			t.Errorf("%s: precision %v, recall %v (%v); want %v, %v", c.name, p, r, err, c.prec, c.rec)
		}
	}
	if _, _, err := PrecisionRecall(line[:2], line, 3); !errors.Is(err, ErrShape) {
		t.Errorf("2 real vectors with k = 3: error %v, want ErrShape", err)
	}
}
