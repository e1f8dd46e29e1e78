package analysis

import (
	"errors"
	"math"
	"testing"

	"github.com/ncgn/ncgn/experiments"
)

// TestKappaDerivative_MatchesLemmaA2: central finite differences of Kappa agree with the
// closed-form derivative that Lemma A.2 prints.
func TestKappaDerivative_MatchesLemmaA2(t *testing.T) {
	const h, tol = 1e-6, 1e-6
	for _, c := range []float64{0.01, 0.3, 1, 10, 1000} {
		for _, r := range []float64{0.05, 0.2, 0.5, 0.8, 0.99} {
			fd := (Kappa(r+h, c) - Kappa(r-h, c)) / (2 * h)
			want := KappaDerivative(r, c)
			if math.Abs(fd-want) > tol*math.Max(1, math.Abs(want)) {
				t.Errorf("c = %v, r = %v: finite difference %v, Lemma A.2 %v", c, r, fd, want)
			}
		}
	}
}

// TestOptimalRadius_StationaryMaximum: at r* the closed-form derivative of Lemma A.2 changes
// sign from + to − within 1e-4 (so r* is accurate to 1e-4), and no radius on a fine grid beats
// it.
func TestOptimalRadius_StationaryMaximum(t *testing.T) {
	for _, c := range append(PaperSNRs(), 0.001, 1e4) {
		r, err := OptimalRadius(c)
		if err != nil {
			t.Fatal(err)
		}
		if !(r > 0 && r < 1) {
			t.Fatalf("c = %v: r* = %v, want an interior point (Lemma A.2)", c, r)
		}
		if KappaDerivative(r-1e-4, c) <= 0 || KappaDerivative(r+1e-4, c) >= 0 {
			t.Errorf("c = %v: dκ/dr(r* ∓ 1e-4) = %v, %v: want +, −", c, KappaDerivative(r-1e-4, c), KappaDerivative(r+1e-4, c))
		}
		best := Kappa(r, c)
		for i := 1; i <= 10000; i++ {
			if v := Kappa(float64(i)/10000, c); v > best+1e-12*best {
				t.Fatalf("c = %v: κ(%v) = %v beats κ(r* = %v) = %v", c, float64(i)/10000, v, r, best)
			}
		}
	}
}

// TestOptimalRadius_FallsWithSNR is Theorem 3.2: a lower SNR needs a larger radius.
func TestOptimalRadius_FallsWithSNR(t *testing.T) {
	prev := math.Inf(1)
	for _, c := range PaperSNRs() {
		r, err := OptimalRadius(c)
		if err != nil {
			t.Fatal(err)
		}
		if !(r < prev) {
			t.Errorf("r*(%v) = %v, not below r* at the previous (lower) SNR, %v", c, r, prev)
		}
		prev = r
	}
}

func TestOptimalRadius_Errors(t *testing.T) {
	for _, c := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := OptimalRadius(c); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("SNR %v: error %v, want ErrConfig", c, err)
		}
	}
}
