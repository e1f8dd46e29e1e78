package metrics

import (
	"fmt"
	"math"
)

// GWConfig configures GromovWasserstein; zero values are the defaults, those of Python Optimal
// Transport's ot.gromov.gromov_wasserstein.
type GWConfig struct {
	// MaxIter bounds the conditional-gradient iterations (default 10000, POT ≥ 0.9's max_iter;
	// POT 0.8 stops at 200).
	MaxIter int `json:"max_iter,omitempty"`
	// TolRel and TolAbs stop the iterations when the loss changes by less than TolRel
	// relative or TolAbs absolute in one iteration (defaults 1e-9 and 1e-9).
	TolRel float64 `json:"tol_rel,omitempty"`
	TolAbs float64 `json:"tol_abs,omitempty"`
}

// WithDefaults returns c with its zero fields set to the defaults.
func (c GWConfig) WithDefaults() GWConfig {
	if c.MaxIter == 0 {
		c.MaxIter = 10000
	}
	if c.TolRel == 0 {
		c.TolRel = 1e-9
	}
	if c.TolAbs == 0 {
		c.TolAbs = 1e-9
	}
	return c
}

// GWResult is the outcome of GromovWasserstein.
type GWResult struct {
	Loss       float64   // the square-loss GW discrepancy of Plan (POT's gromov_wasserstein2)
	Plan       []float64 // the coupling, n×m row-major, with marginals p and q
	Iterations int       // conditional-gradient iterations run
}

// GromovWasserstein computes the Gromov-Wasserstein discrepancy with square loss between the
// metric-measure spaces (C1, p) and (C2, q) (Mémoli, 2011) as Python Optimal Transport's
// ot.gromov.gromov_wasserstein2 does (Peyré, Cuturi and Solomon, 2016):
//
//	GW = min_T  Σ_ijkl (C1_ik − C2_jl)² T_ij T_kl   over couplings T with T 1 = p, Tᵀ 1 = q,
//
// a non-convex quadratic program solved by conditional gradient (Frank-Wolfe) from T = p qᵀ:
// each iteration solves the linear program of the gradient exactly (Transport), then takes
// the exact minimiser on [0, 1] of the loss along the segment (the loss is quadratic in the
// step), and stops when the loss changes by less than TolRel relative or TolAbs absolute. Being
// a local method, it returns a local minimum: an upper bound on the true GW discrepancy.
//
// With L(a, b) = (a − b)², POT's decomposition (init_matrix, square_loss) is used:
// constC = (C1² p) 1ᵀ + 1 (C2² q)ᵀ, the loss is ⟨constC − C1 T (2 C2)ᵀ, T⟩, and its gradient
// is 2 (constC − C1 T (2 C2)ᵀ) for symmetric C1 and C2 (the average with the transposes
// otherwise). C1 is n×n and C2 m×m; p and q are non-negative with equal sums; nil means
// uniform.
func GromovWasserstein(C1, C2 [][]float64, p, q []float64, cfg GWConfig) (GWResult, error) {
	cfg = cfg.WithDefaults()
	if cfg.MaxIter < 1 || !(cfg.TolRel > 0) || !(cfg.TolAbs > 0) {
		return GWResult{}, fmt.Errorf("metrics: gromov-wasserstein config %+v: %w", cfg, ErrValue)
	}
	n, _, err := checkMatrix("C1", C1, len(C1), len(C1))
	if err != nil {
		return GWResult{}, err
	}
	m, _, err := checkMatrix("C2", C2, len(C2), len(C2))
	if err != nil {
		return GWResult{}, err
	}
	if n == 0 || m == 0 {
		return GWResult{}, fmt.Errorf("metrics: gromov-wasserstein between %d and %d points: %w", n, m, ErrShape)
	}
	if p, err = weights("p", p, n); err != nil {
		return GWResult{}, err
	}
	if q, err = weights("q", q, m); err != nil {
		return GWResult{}, err
	}
	g := newGW(C1, C2, p, q)
	T := make([]float64, n*m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			T[i*m+j] = p[i] * q[j]
		}
	}
	loss := g.loss(T)
	grad := make([]float64, n*m)
	delta := make([]float64, n*m)
	res := GWResult{}
	for it := 1; ; it++ {
		res.Iterations = it
		old := loss
		g.gradient(grad, T)
		Tc, _, err := Transport(p, q, grad)
		if err != nil {
			return GWResult{}, fmt.Errorf("metrics: gromov-wasserstein iteration %d: %w", it, err)
		}
		for k := range delta {
			delta[k] = Tc[k] - T[k]
		}
		alpha, next := g.lineSearch(T, delta, loss)
		for k := range T {
			T[k] += alpha * delta[k]
		}
		loss = next
		change := math.Abs(loss - old)
		if it >= cfg.MaxIter || change < cfg.TolAbs || (loss != 0 && change/math.Abs(loss) < cfg.TolRel) {
			break
		}
	}
	res.Plan = T
	res.Loss = g.loss(T)
	return res, nil
}

// GromovWassersteinClouds returns the GW discrepancy between two point clouds (rows of x and
// y, any dimensions, possibly different) under their Euclidean distance matrices and uniform
// weights.
func GromovWassersteinClouds(x, y [][]float64, cfg GWConfig) (float64, error) {
	cx, err := DistanceMatrix(x)
	if err != nil {
		return 0, fmt.Errorf("metrics: gromov-wasserstein x: %w", err)
	}
	cy, err := DistanceMatrix(y)
	if err != nil {
		return 0, fmt.Errorf("metrics: gromov-wasserstein y: %w", err)
	}
	r, err := GromovWasserstein(cx, cy, nil, nil, cfg)
	return r.Loss, err
}

// DistanceMatrix returns the Euclidean distances between the rows of x.
func DistanceMatrix(x [][]float64) ([][]float64, error) {
	if len(x) == 0 {
		return nil, fmt.Errorf("metrics: distance matrix of no points: %w", ErrShape)
	}
	if _, err := checkVectors("points", x, -1); err != nil {
		return nil, err
	}
	d := make([][]float64, len(x))
	for i := range x {
		d[i] = make([]float64, len(x))
	}
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			v := math.Sqrt(sqDist(x[i], x[j]))
			d[i][j], d[j][i] = v, v
		}
	}
	return d, nil
}

// weights returns w, or uniform weights if w is nil, after checking it.
func weights(name string, w []float64, n int) ([]float64, error) {
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1 / float64(n)
		}
		return w, nil
	}
	if len(w) != n {
		return nil, fmt.Errorf("metrics: gromov-wasserstein weights %s have %d entries, want %d: %w", name, len(w), n, ErrShape)
	}
	if _, err := checkMasses(name, w); err != nil {
		return nil, err
	}
	return w, nil
}

// gw holds the matrices of the square-loss decomposition, flat and row-major.
type gw struct {
	n, m      int
	c1, c2    []float64 // C1 (n×n), C2 (m×m)
	c1t, c2t  []float64 // their transposes
	constC    []float64 // n×m
	constCt   []float64 // with the transposes (used when not symmetric)
	symmetric bool
	tmp, tmp2 []float64
}

func newGW(C1, C2 [][]float64, p, q []float64) *gw {
	n, m := len(C1), len(C2)
	g := &gw{n: n, m: m, c1: flat(C1), c2: flat(C2), tmp: make([]float64, n*m), tmp2: make([]float64, n*m)}
	g.c1t, g.c2t = transpose(g.c1, n), transpose(g.c2, m)
	g.symmetric = allClose(g.c1, g.c1t) && allClose(g.c2, g.c2t)
	g.constC = constC(g.c1, g.c2, p, q, n, m)
	if !g.symmetric {
		g.constCt = constC(g.c1t, g.c2t, p, q, n, m)
	}
	return g
}

func flat(a [][]float64) []float64 {
	out := make([]float64, 0, len(a)*len(a))
	for _, r := range a {
		out = append(out, r...)
	}
	return out
}

func transpose(a []float64, n int) []float64 {
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out[j*n+i] = a[i*n+j]
		}
	}
	return out
}

// allClose is numpy.allclose with its default tolerances.
func allClose(a, b []float64) bool {
	for k := range a {
		if math.Abs(a[k]-b[k]) > 1e-8+1e-5*math.Abs(b[k]) {
			return false
		}
	}
	return true
}

// constC returns (C1² p) 1ᵀ + 1 (C2² q)ᵀ.
func constC(c1, c2, p, q []float64, n, m int) []float64 {
	r := make([]float64, n)
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			r[i] += c1[i*n+k] * c1[i*n+k] * p[k]
		}
	}
	c := make([]float64, m)
	for j := 0; j < m; j++ {
		for l := 0; l < m; l++ {
			c[j] += c2[j*m+l] * c2[j*m+l] * q[l]
		}
	}
	out := make([]float64, n*m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			out[i*m+j] = r[i] + c[j]
		}
	}
	return out
}

// prod writes dst = A T Bᵀ for A n×n, T n×m, B m×m (flat), using g.tmp2.
func (g *gw) prod(dst, a, t, b []float64) {
	n, m := g.n, g.m
	at := g.tmp2
	for i := 0; i < n; i++ {
		row := at[i*m : (i+1)*m]
		for j := range row {
			row[j] = 0
		}
		for k := 0; k < n; k++ {
			aik := a[i*n+k]
			if aik == 0 {
				continue
			}
			tk := t[k*m : (k+1)*m]
			for j, v := range tk {
				row[j] += aik * v
			}
		}
	}
	for i := 0; i < n; i++ {
		row := at[i*m : (i+1)*m]
		for j := 0; j < m; j++ {
			bj := b[j*m : (j+1)*m]
			s := 0.0
			for l, v := range row {
				s += v * bj[l]
			}
			dst[i*m+j] = s
		}
	}
}

// tens writes dst = constC − C1 T (2 C2)ᵀ (POT's tensor_product with h1(a) = a, h2(b) = 2b).
func (g *gw) tens(dst, cc, c1, c2, t []float64) {
	g.prod(dst, c1, t, c2)
	for k := range dst {
		dst[k] = cc[k] - 2*dst[k]
	}
}

// loss returns ⟨constC − C1 T (2 C2)ᵀ, T⟩.
func (g *gw) loss(t []float64) float64 {
	g.tens(g.tmp, g.constC, g.c1, g.c2, t)
	s := 0.0
	for k, v := range g.tmp {
		s += v * t[k]
	}
	return s
}

// gradient writes the loss's gradient at T into dst.
func (g *gw) gradient(dst, t []float64) {
	g.tens(dst, g.constC, g.c1, g.c2, t)
	if g.symmetric {
		for k := range dst {
			dst[k] *= 2
		}
		return
	}
	g.tens(g.tmp, g.constCt, g.c1t, g.c2t, t)
	for k := range dst {
		dst[k] += g.tmp[k] // 0.5·(2·tens + 2·tensᵀ)
	}
}

// lineSearch returns the exact minimiser α ∈ [0, 1] of the loss along T + α Δ and the loss
// there. The loss is quadratic in α: loss(T) + b α + a α², with (Δ having zero marginals, the
// constC term vanishes) a = −⟨C1 Δ (2C2)ᵀ, Δ⟩ and b = −⟨C1 Δ (2C2)ᵀ, T⟩ − ⟨C1 T (2C2)ᵀ, Δ⟩.
func (g *gw) lineSearch(t, delta []float64, loss float64) (float64, float64) {
	g.prod(g.tmp, g.c1, delta, g.c2) // C1 Δ C2ᵀ
	a, b := 0.0, 0.0
	for k, v := range g.tmp {
		a -= 2 * v * delta[k]
		b -= 2 * v * t[k]
	}
	g.prod(g.tmp, g.c1, t, g.c2) // C1 T C2ᵀ
	for k, v := range g.tmp {
		b -= 2 * v * delta[k]
	}
	var alpha float64
	switch {
	case a > 0:
		alpha = math.Min(1, math.Max(0, -b/(2*a)))
	case a+b < 0:
		alpha = 1
	}
	return alpha, loss + a*alpha*alpha + b*alpha
}
