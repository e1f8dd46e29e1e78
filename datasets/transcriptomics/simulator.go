package transcriptomics

import (
	"fmt"
	"math"
)

// State is the full-resolution state of one simulation: State[g][i] is the value of gene g at
// simulation grid point i. A State passed to a visit function is valid only during the call.
type State [NumGenes][]float64

// Simulator integrates the reaction-diffusion system of its Config by explicit Euler. It owns
// two state buffers and can run many samples one after another without allocating; it is not
// safe for concurrent use (give each goroutine its own).
type Simulator struct {
	cfg      Config
	ds2      float64
	cur, nxt State
}

// NewSimulator returns a Simulator for cfg, or an error wrapping ErrConfig if cfg is invalid.
func NewSimulator(cfg Config) (*Simulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Simulator{cfg: cfg, ds2: cfg.DS * cfg.DS}
	for g := range s.cur {
		s.cur[g] = make([]float64, cfg.Points)
		s.nxt[g] = make([]float64, cfg.Points)
	}
	return s, nil
}

// Config returns the simulator's configuration.
func (s *Simulator) Config() Config { return s.cfg }

// Run integrates one sample and calls visit(j, state) once for each frame label labels[j], in
// order. x0 holds the initial values point-major (x0[3·i+g] is gene g at point i, the layout of
// InitialState); knockout is the gene held at 0 throughout, or NoKnockout. labels must be strictly
// increasing and lie in [0, Config.MaxLabel()]; the integration stops after the last one. A
// frame that holds a NaN or an infinity stops the run with an error wrapping ErrDiverged; an
// error returned by visit stops it and is returned as is.
func (s *Simulator) Run(x0 []float64, knockout Gene, labels []int, visit func(j int, st State) error) error {
	c := &s.cfg
	if len(x0) != NumGenes*c.Points {
		return fmt.Errorf("transcriptomics: initial state has %d values, want %d (points %d × %d genes): %w", len(x0), NumGenes*c.Points, c.Points, NumGenes, ErrInput)
	}
	if knockout != NoKnockout && !knockout.valid() {
		return fmt.Errorf("transcriptomics: knockout gene %d, want 0, 1, 2 or NoKnockout (-1): %w", int(knockout), ErrInput)
	}
	if err := checkLabels(labels, c.MaxLabel(), "frame labels"); err != nil {
		return err
	}
	for i := 0; i < c.Points; i++ {
		for g := 0; g < NumGenes; g++ {
			s.cur[g][i] = x0[NumGenes*i+g]
		}
	}
	if knockout != NoKnockout {
		clear(s.cur[knockout])
	}
	done := 0
	for j, label := range labels {
		for target := c.stepsFor(label); done < target; done++ {
			s.step(knockout)
		}
		if g, i, ok := firstNonFinite(s.cur); !ok {
			return fmt.Errorf("transcriptomics: gene %v at point %d is %v at frame label %d (after %d Euler steps): %w", g, i, s.cur[g][i], label, done, ErrDiverged)
		}
		if err := visit(j, s.cur); err != nil {
			return err
		}
	}
	return nil
}

// step advances the state by one explicit Euler step: the interior points are updated from the
// old values, then the boundaries copy their neighbours and the knocked-out gene is reset to 0.
// The operations follow the reference's evaluation order; every product is rounded before it is
// added (the float64 conversions forbid fused multiply-adds), so results do not depend on the
// compiler's choice of instructions.
func (s *Simulator) step(knockout Gene) {
	c := &s.cfg
	S, B, W := s.cur[Sox9], s.cur[Bmp], s.cur[Wnt]
	nS, nB, nW := s.nxt[Sox9], s.nxt[Bmp], s.nxt[Wnt]
	n := len(S)
	B, W, nS, nB, nW = B[:n], W[:n], nS[:n], nB[:n], nW[:n]
	ds2, dt := s.ds2, c.DT
	if c.DiffusionOnly {
		for i := 1; i < n-1; i++ {
			lapB := (B[i-1] + B[i+1] - float64(2*B[i])) / ds2
			lapW := (W[i-1] + W[i+1] - float64(2*W[i])) / ds2
			nS[i] = S[i]
			nB[i] = B[i] + float64(dt*float64(c.DB*lapB))
			nW[i] = W[i] + float64(dt*float64(c.DW*lapW))
		}
	} else {
		for i := 1; i < n-1; i++ {
			so, bo, wo := S[i], B[i], W[i]
			lapB := (B[i-1] + B[i+1] - float64(2*bo)) / ds2
			lapW := (W[i-1] + W[i+1] - float64(2*wo)) / ds2
			vs := c.ASox9 + float64(c.K2*bo) + float64(c.K3*wo) - cube(so)
			vb := c.ABmp + float64(c.K4*so) + float64(c.K5*bo) + float64(c.DB*lapB)
			vw := c.AWnt + float64(c.K7*so) + float64(c.K9*wo) + float64(c.DW*lapW)
			nS[i] = so + float64(dt*vs)
			nB[i] = bo + float64(dt*vb)
			nW[i] = wo + float64(dt*vw)
		}
	}
	for g := range s.nxt {
		u := s.nxt[g]
		u[0], u[n-1] = u[1], u[n-2]
	}
	if knockout != NoKnockout {
		clear(s.nxt[knockout])
	}
	s.cur, s.nxt = s.nxt, s.cur
}

// cube returns x³ rounded once (to within a tiny fraction of an ulp), as the reference's
// x**3 (the C library's pow) does, rather than the twice-rounded x·x·x.
func cube(x float64) float64 {
	p := x * x
	e := math.FMA(x, x, -p) // x² = p + e exactly
	return math.FMA(p, x, float64(e*x))
}

// firstNonFinite returns the first (gene, point) whose value is NaN or infinite, and false; or
// true if every value is finite.
func firstNonFinite(st State) (Gene, int, bool) {
	for g := range st {
		for i, v := range st[g] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Gene(g), i, false
			}
		}
	}
	return 0, 0, true
}

// checkLabels returns an error wrapping ErrInput unless labels is non-empty, strictly increasing
// and within [0, max].
func checkLabels(labels []int, max int, what string) error {
	if len(labels) == 0 {
		return fmt.Errorf("transcriptomics: no %s given: %w", what, ErrInput)
	}
	for j, l := range labels {
		if l < 0 || l > max {
			return fmt.Errorf("transcriptomics: %s[%d] = %d outside [0, %d]: %w", what, j, l, max, ErrInput)
		}
		if j > 0 && l <= labels[j-1] {
			return fmt.Errorf("transcriptomics: %s not strictly increasing at index %d (%d after %d): %w", what, j, l, labels[j-1], ErrInput)
		}
	}
	return nil
}
