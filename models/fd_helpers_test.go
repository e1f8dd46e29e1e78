package models

import (
	"math"
	"testing"

	"github.com/ncgn/ncgn/layers"
)

// fdErrors returns, for each parameter in params, the relative error ‖analytic − numeric‖ /
// ‖numeric‖ of its gradient over every stride-th entry: loss runs a training-mode graph (which
// fills Param.Grad) and returns the loss; numeric gradients are five-point differences with
// step h. A parameter whose numerical gradient is zero fails the test (it would prove nothing).
func fdErrors(t *testing.T, params []*layers.Param, loss func() float64, h float64, stride func(n int) int) map[string]float64 {
	t.Helper()
	loss()
	analytic := map[*layers.Param][]float64{} // every evaluation below overwrites Param.Grad
	for _, p := range params {
		analytic[p] = append([]float64(nil), p.Grad.Data().([]float64)...)
	}
	out := map[string]float64{}
	for _, p := range params {
		v := p.Float64s()
		var diff, norm float64
		for k := 0; k < len(v); k += max(1, stride(len(v))) {
			at := func(d float64) float64 {
				o := v[k]
				v[k] = o + d
				_ = p.SetFloat64s(v)
				l := loss()
				v[k] = o
				_ = p.SetFloat64s(v)
				return l
			}
			num := (8*(at(h)-at(-h)) - (at(2*h) - at(-2*h))) / (12 * h)
			diff += (num - analytic[p][k]) * (num - analytic[p][k])
			norm += num * num
		}
		if norm == 0 {
			t.Fatalf("%s has a zero numerical gradient", p.Name)
		}
		out[p.Name] = math.Sqrt(diff / norm)
	}
	return out
}
