package generative

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// mlpDenoiser is the toy denoiser of the tests: an MLP over [x_node, t] for every node of every
// sample, [Dim+1, width, width, Dim] with GELU and a plain last layer.
type mlpDenoiser struct {
	ps    *layers.Params
	mlp   *layers.MLP
	shape Shape
	calls int
}

var _ Denoiser = (*mlpDenoiser)(nil)

func newMLPDenoiser(tb testing.TB, dt tensor.Dtype, s Shape, width int, seed int64) *mlpDenoiser {
	tb.Helper()
	ps, err := layers.NewParams(dt, seed)
	if err != nil {
		tb.Fatal(err)
	}
	mlp, err := layers.NewMLP(ps, "toy", layers.MLPConfig{Dims: []int{s.Dim + 1, width, width, s.Dim}, PlainLast: true})
	if err != nil {
		tb.Fatal(err)
	}
	return &mlpDenoiser{ps: ps, mlp: mlp, shape: s}
}

func (d *mlpDenoiser) Params() *layers.Params { return d.ps }

func (d *mlpDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	d.calls++
	N, D := d.shape.Nodes, d.shape.Dim
	if len(xt) != batch*N*D || len(t) != batch {
		return nil, fmt.Errorf("toy denoiser: %d values and %d levels for %d samples of %d x %d: %w", len(xt), len(t), batch, N, D, ErrShape)
	}
	in := make([]float64, batch*N*(D+1))
	for r := range batch * N {
		copy(in[r*(D+1):], xt[r*D:(r+1)*D])
		in[r*(D+1)+D] = float64(t[r/N])
	}
	x, err := s.Input("x", in, batch*N, D+1)
	if err != nil {
		return nil, err
	}
	return d.mlp.Forward(s, x)
}

// funcDenoiser returns, for every sample, what f computes from its values and level; it has
// no learnable parameters. It stands for an exact (oracle) network.
type funcDenoiser struct {
	ps    *layers.Params
	shape Shape
	f     func(x []float64, t schedules.NoiseLevel, out []float64)
	seen  func(xt []float64, batch int, t []schedules.NoiseLevel)
}

func newFuncDenoiser(tb testing.TB, s Shape, f func(x []float64, t schedules.NoiseLevel, out []float64)) *funcDenoiser {
	tb.Helper()
	ps, err := layers.NewParams(tensor.Float64, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return &funcDenoiser{ps: ps, shape: s, f: f}
}

func (d *funcDenoiser) Params() *layers.Params { return d.ps }

func (d *funcDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	if d.seen != nil {
		d.seen(xt, batch, t)
	}
	n := d.shape.Size()
	out := make([]float64, len(xt))
	for b := range batch {
		d.f(xt[b*n:(b+1)*n], t[b], out[b*n:(b+1)*n])
	}
	return s.Input("out", out, batch*d.shape.Nodes, d.shape.Dim)
}

// nanDenoiser wraps a denoiser and adds NaN to its output from call number nanAt (1-based) on.
type nanDenoiser struct {
	Denoiser
	nanAt, calls int
}

func (d *nanDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	d.calls++
	out, err := d.Denoiser.Forward(s, xt, batch, t, graphSeed)
	if err != nil || d.calls < d.nanAt {
		return out, err
	}
	nan := make([]float64, out.Shape().TotalSize())
	for i := range nan {
		nan[i] = math.NaN()
	}
	nn, err := s.Input("nan", nan, out.Shape()...)
	if err != nil {
		return nil, err
	}
	return gorgonia.Add(out, nn)
}

// failDenoiser wraps a denoiser and fails at call number failAt (1-based), as a crash would.
type failDenoiser struct {
	Denoiser
	failAt, calls int
}

func (d *failDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	d.calls++
	if d.calls == d.failAt {
		return nil, errSimulatedCrash
	}
	return d.Denoiser.Forward(s, xt, batch, t, graphSeed)
}

var errSimulatedCrash = errors.New("simulated crash")

// twoClusters returns n 2-D points, half around (-0.5, -0.3) and half around (0.5, 0.3), with
// standard deviation sd.
func twoClusters(n int, sd float64, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float64, n)
	for i := range out {
		cx, cy := -0.5, -0.3
		if i%2 == 1 {
			cx, cy = 0.5, 0.3
		}
		out[i] = []float64{cx + sd*r.NormFloat64(), cy + sd*r.NormFloat64()}
	}
	return out
}

// meanNearest returns the mean over the samples of the Euclidean distance to the nearest
// data point.
func meanNearest(samples, data [][]float64) float64 {
	sum := 0.0
	for _, s := range samples {
		best := math.Inf(1)
		for _, d := range data {
			dd := 0.0
			for k := range s {
				dd += (s[k] - d[k]) * (s[k] - d[k])
			}
			best = math.Min(best, dd)
		}
		sum += math.Sqrt(best)
	}
	return sum / float64(len(samples))
}

// gaussian returns n standard normal samples of size dim.
func gaussian(n, dim int, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, dim)
		for k := range out[i] {
			out[i][k] = r.NormFloat64()
		}
	}
	return out
}

// faultDenoiser wraps a denoiser and, at the calls listed in faultAt (1-based), builds a
// graph that fails while it runs (an input reshaped after construction, so that a product's
// inner dimensions no longer match when it runs).
type faultDenoiser struct {
	Denoiser
	faultAt map[int]bool
	calls   int
}

func (d *faultDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	d.calls++
	out, err := d.Denoiser.Forward(s, xt, batch, t, graphSeed)
	if err != nil || !d.faultAt[d.calls] {
		return out, err
	}
	w := out.Shape()[1]
	eye := make([]float64, w*w)
	for i := 0; i < w; i++ {
		eye[i*w+i] = 1
	}
	id, err := s.Input("fault", eye, w, w)
	if err != nil {
		return nil, err
	}
	y, err := ops.MatMul(out, id)
	if err != nil {
		return nil, err
	}
	if err := id.Value().(*tensor.Dense).Reshape(1, w*w); err != nil {
		return nil, err
	}
	return y, nil
}
