package optim

import (
	"math"
	"strconv"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// pspec describes one tensor of a test Params.
type pspec struct {
	name   string
	shape  []int
	init   []float64 // nil: layers.Uniform(0.5) from the seed
	buffer bool
}

// newTestParams builds a Params of dtype dt holding specs in order.
func newTestParams(t testing.TB, dt tensor.Dtype, seed int64, specs ...pspec) *layers.Params {
	t.Helper()
	ps, err := layers.NewParams(dt, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		var p *layers.Param
		if s.buffer {
			p, err = ps.AddBuffer(s.name, s.shape, layers.Uniform(0.5))
		} else {
			p, err = ps.Add(s.name, s.shape, layers.Uniform(0.5))
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.init != nil {
			if err := p.SetFloat64s(s.init); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ps
}

// setGrad writes g into the gradient of the parameter called name.
func setGrad(t testing.TB, ps *layers.Params, name string, g []float64) {
	t.Helper()
	p := ps.Get(name)
	if p == nil || p.Grad == nil {
		t.Fatalf("no learnable parameter %q", name)
	}
	if len(g) != p.Grad.Shape().TotalSize() {
		t.Fatalf("parameter %q: %d gradient values for shape %v", name, len(g), p.Grad.Shape())
	}
	switch d := p.Grad.Data().(type) {
	case []float64:
		copy(d, g)
	case []float32:
		for i, v := range g {
			d[i] = float32(v)
		}
	}
}

// relErr is |got-want| / max(|want|, tiny), or |got-want| when want is 0.
func relErr(got, want float64) float64 {
	d := math.Abs(got - want)
	if want == 0 {
		return d
	}
	return d / math.Abs(want)
}

// assertClose fails when some got[i] differs from want[i] by more than tol relative (absolute
// where want[i] is 0).
func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if e := relErr(got[i], want[i]); !(e <= tol) {
			t.Errorf("%s[%d] = %.17g, want %.17g (relative error %.3g > %.3g)", what, i, got[i], want[i], e, tol)
		}
	}
}

// assertBitEqual fails when got and want differ in any bit.
func assertBitEqual(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Errorf("%s[%d] = %.17g, want bit-identical %.17g", what, i, got[i], want[i])
			return
		}
	}
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
