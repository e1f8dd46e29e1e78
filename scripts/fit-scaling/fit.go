package main

import (
	"errors"
	"fmt"
	"math"
)

// errFit reports data a power law cannot be fitted to.
var errFit = errors.New("cannot fit a power law")

// powerLaw is y ≈ c·n^p fitted to points (n_i, y_i).
type powerLaw struct {
	Exponent float64 // p
	Coef     float64 // c
	R2       float64 // coefficient of determination on the log-log axes
	Points   int
}

// fitPowerLaw fits log y = log c + p log n by ordinary least squares: with u_i = log n_i and
// v_i = log y_i,
//
//	p = Σ (u_i - ū)(v_i - v̄) / Σ (u_i - ū)²,   log c = v̄ - p ū,
//	R² = 1 - Σ (v_i - log c - p u_i)² / Σ (v_i - v̄)².
//
// Every n and y must be finite and positive, and at least two n must differ.
func fitPowerLaw(n, y []float64) (powerLaw, error) {
	if len(n) != len(y) {
		return powerLaw{}, fmt.Errorf("fit-scaling: %d sizes and %d times: %w", len(n), len(y), errFit)
	}
	u, v := make([]float64, len(n)), make([]float64, len(n))
	var su, sv float64
	for i := range n {
		if !(n[i] > 0) || !(y[i] > 0) || math.IsInf(n[i], 0) || math.IsInf(y[i], 0) {
			return powerLaw{}, fmt.Errorf("fit-scaling: point %d is (%v, %v), want both finite and > 0: %w", i, n[i], y[i], errFit)
		}
		u[i], v[i] = math.Log(n[i]), math.Log(y[i])
		su += u[i]
		sv += v[i]
	}
	if len(n) < 2 {
		return powerLaw{}, fmt.Errorf("fit-scaling: %d points, want at least 2: %w", len(n), errFit)
	}
	mu, mv := su/float64(len(n)), sv/float64(len(n))
	var suu, suv, svv float64
	for i := range u {
		du, dv := u[i]-mu, v[i]-mv
		suu += du * du
		suv += du * dv
		svv += dv * dv
	}
	if suu == 0 {
		return powerLaw{}, fmt.Errorf("fit-scaling: all %d points have the same size %v: %w", len(n), n[0], errFit)
	}
	p := suv / suu
	lc := mv - p*mu
	var sse float64
	for i := range u {
		r := v[i] - lc - p*u[i]
		sse += r * r
	}
	r2 := 1.0
	if svv > 0 {
		r2 = 1 - sse/svv
	}
	return powerLaw{Exponent: p, Coef: math.Exp(lc), R2: r2, Points: len(n)}, nil
}
