package optim

import (
	"errors"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// handTol is the tolerance of hand-derived values: the test writes each step's arithmetic with
// decimal literals, which round differently from the optimiser's chain of operations.
const handTol = 1e-12

// TestAdam_HandSteps runs three Adam steps (lr 0.1, β = (0.9, 0.999), eps 1e-8, no decay, no
// warm-up) on p = [1, -2] with gradients [0.5, -1], [-0.25, 2], [0, 0] and checks every step
// against the arithmetic written out below.
func TestAdam_HandSteps(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			tol := handTol
			if dt == tensor.Float32 {
				tol = 2e-6 // float32 arithmetic: a few ulps of each operand
			}
			ps := newTestParams(t, dt, 1, pspec{name: "p", shape: []int{2}, init: []float64{1, -2}})
			a, err := NewAdam(ps, Config{LR: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			type handStep struct{ g, m, v, p []float64 }
			var steps []handStep
			// Step t = 1, g = [0.5, -1]:
			//   m = 0.1·g = [0.05, -0.1],  v = 0.001·g² = [0.00025, 0.001]
			//   1-β1 = 0.1, 1-β2 = 0.001, sqrt(v)/sqrt(0.001) = [0.5, 1]
			//   p = p - (0.1/0.1)·m/(sqrt(v)/sqrt(0.001) + 1e-8)
			p1 := []float64{1 - 0.05/(0.5+1e-8), -2 + 0.1/(1+1e-8)}
			steps = append(steps, handStep{
				[]float64{0.5, -1}, []float64{0.05, -0.1}, []float64{0.00025, 0.001}, p1})
			// Step t = 2, g = [-0.25, 2]:
			//   m = 0.9·[0.05, -0.1] + 0.1·[-0.25, 2] = [0.045-0.025, -0.09+0.2] = [0.02, 0.11]
			//   v = 0.999·[0.00025, 0.001] + 0.001·[0.0625, 4] = [0.00031225, 0.004999]
			//   1-β1² = 0.19, 1-β2² = 0.001999
			p2 := []float64{
				p1[0] - (0.1/0.19)*0.02/(math.Sqrt(0.00031225)/math.Sqrt(0.001999)+1e-8),
				p1[1] - (0.1/0.19)*0.11/(math.Sqrt(0.004999)/math.Sqrt(0.001999)+1e-8),
			}
			steps = append(steps, handStep{
				[]float64{-0.25, 2}, []float64{0.02, 0.11}, []float64{0.00031225, 0.004999}, p2})
			// Step t = 3, g = [0, 0]: the moments decay and p keeps moving along m.
			//   m = 0.9·[0.02, 0.11] = [0.018, 0.099]
			//   v = 0.999·[0.00031225, 0.004999] = [0.00031193775, 0.004994001]
			//   1-β1³ = 0.271, 1-β2³ = 0.002997001
			p3 := []float64{
				p2[0] - (0.1/0.271)*0.018/(math.Sqrt(0.00031193775)/math.Sqrt(0.002997001)+1e-8),
				p2[1] - (0.1/0.271)*0.099/(math.Sqrt(0.004994001)/math.Sqrt(0.002997001)+1e-8),
			}
			steps = append(steps, handStep{
				[]float64{0, 0}, []float64{0.018, 0.099}, []float64{0.00031193775, 0.004994001}, p3})

			for k, s := range steps {
				setGrad(t, ps, "p", s.g)
				if err := a.Step(); err != nil {
					t.Fatalf("step %d: %v", k+1, err)
				}
				m, v := a.Moments("p")
				assertClose(t, "m", m, s.m, tol)
				assertClose(t, "v", v, s.v, tol)
				assertClose(t, "p", ps.Get("p").Float64s(), s.p, tol)
			}
		})
	}
}

// TestAdam_WeightDecay checks both kinds of weight decay λ = 0.1 over two steps (lr 0.1) from
// p = [1, -2] with gradients [0.5, -1], [-0.25, 2].
func TestAdam_WeightDecay(t *testing.T) {
	g1, g2 := []float64{0.5, -1}, []float64{-0.25, 2}
	tests := []struct {
		name   string
		kind   Kind
		p1, p2 func() []float64
		m1     []float64
	}{
		{
			// L2: g' = g + 0.1·p = [0.5+0.1, -1-0.2] = [0.6, -1.2]; first step as without decay:
			// p = p - 0.1·g'/(|g'| + 1e-8). The moments see g'.
			name: "adam L2",
			kind: KindAdam,
			m1:   []float64{0.06, -0.12},
			p1:   func() []float64 { return []float64{1 - 0.06/(0.6+1e-8), -2 + 0.12/(1.2+1e-8)} },
		},
		{
			// Decoupled: p' = p·(1 - 0.1·0.1) = [0.99, -1.98], then the step of plain Adam on g;
			// the moments see g only.
			name: "adamw decoupled",
			kind: KindAdamW,
			m1:   []float64{0.05, -0.1},
			p1:   func() []float64 { return []float64{0.99 - 0.05/(0.5+1e-8), -1.98 + 0.1/(1+1e-8)} },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := newTestParams(t, tensor.Float64, 1, pspec{name: "p", shape: []int{2}, init: []float64{1, -2}})
			a, err := NewAdam(ps, Config{Kind: tc.kind, LR: 0.1, WeightDecay: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			setGrad(t, ps, "p", g1)
			if err := a.Step(); err != nil {
				t.Fatal(err)
			}
			m, _ := a.Moments("p")
			assertClose(t, "m after step 1", m, tc.m1, handTol)
			p1 := ps.Get("p").Float64s()
			assertClose(t, "p after step 1", p1, tc.p1(), handTol)
			assertBitEqual(t, "gradient (left unchanged)", ps.Get("p").Grad.Data().([]float64), g1)

			// Step 2 written from p1 and the first moments.
			setGrad(t, ps, "p", g2)
			if err := a.Step(); err != nil {
				t.Fatal(err)
			}
			want := make([]float64, 2)
			for i := range want {
				g, p := g2[i], p1[i]
				if tc.kind == KindAdam {
					g += 0.1 * p // L2 on the current parameter
				} else {
					p *= 1 - 0.1*0.1 // decoupled decay
				}
				g1i := tc.m1[i] / 0.1 // the gradient the moments saw at step 1
				m := 0.9*0.1*g1i + 0.1*g
				v := 0.999*0.001*g1i*g1i + 0.001*g*g
				want[i] = p - (0.1/0.19)*m/(math.Sqrt(v)/math.Sqrt(0.001999)+1e-8)
			}
			assertClose(t, "p after step 2", ps.Get("p").Float64s(), want, handTol)
		})
	}
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"defaults", Config{}, true},
		{"reference", Config{LR: 1e-4, WarmupSteps: 10}, true},
		{"adamw", Config{Kind: KindAdamW, WeightDecay: 0.01}, true},
		{"unknown kind", Config{Kind: "sgd"}, false},
		{"negative lr", Config{LR: -1}, false},
		{"NaN lr", Config{LR: math.NaN()}, false},
		{"Inf lr", Config{LR: math.Inf(1)}, false},
		{"beta1 = 1", Config{Beta1: 1}, false},
		{"beta2 negative", Config{Beta2: -0.5}, false},
		{"negative eps", Config{Eps: -1e-8}, false},
		{"negative weight decay", Config{WeightDecay: -0.1}, false},
		{"negative warm-up", Config{WarmupSteps: -1}, false},
	}
	ps := newTestParams(t, tensor.Float64, 1, pspec{name: "p", shape: []int{2}})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewAdam(ps, tc.cfg)
			if tc.ok && err != nil {
				t.Fatalf("NewAdam(%+v): %v", tc.cfg, err)
			}
			if !tc.ok && !errors.Is(err, ErrConfig) {
				t.Fatalf("NewAdam(%+v) error %v, want ErrConfig", tc.cfg, err)
			}
		})
	}
	if got := (Config{}).WithDefaults(); got != (Config{Kind: KindAdam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}) {
		t.Errorf("defaults = %+v", got)
	}
}

func TestAdam_Errors(t *testing.T) {
	newPS := func(t *testing.T) *layers.Params {
		return newTestParams(t, tensor.Float64, 1, pspec{name: "w", shape: []int{2, 2}}, pspec{name: "b", shape: []int{2}})
	}
	tests := []struct {
		name  string
		spoil func(t *testing.T, ps *layers.Params) float64 // returns the lr to step with
		want  error
		in    string // the error names this
	}{
		{"NaN lr", func(*testing.T, *layers.Params) float64 { return math.NaN() }, ErrConfig, "learning rate"},
		{"negative lr", func(*testing.T, *layers.Params) float64 { return -1 }, ErrConfig, "learning rate"},
		{"param added", func(t *testing.T, ps *layers.Params) float64 {
			if _, err := ps.Add("late", []int{1}, layers.Zeros()); err != nil {
				t.Fatal(err)
			}
			return 0.1
		}, ErrState, "3 tensors"},
		{"nil gradient", func(_ *testing.T, ps *layers.Params) float64 { ps.Get("b").Grad = nil; return 0.1 }, ErrShape, `"b"`},
		{"gradient dtype", func(_ *testing.T, ps *layers.Params) float64 {
			ps.Get("b").Grad = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(2))
			return 0.1
		}, ErrShape, `"b"`},
		{"gradient shape", func(_ *testing.T, ps *layers.Params) float64 {
			ps.Get("w").Grad = tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(3))
			return 0.1
		}, ErrShape, `"w"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := newPS(t)
			a, err := NewAdam(ps, Config{})
			if err != nil {
				t.Fatal(err)
			}
			before := ps.Get("w").Float64s()
			lr := tc.spoil(t, ps)
			err = a.StepLR(lr)
			if !errors.Is(err, tc.want) {
				t.Fatalf("StepLR error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.in) || !strings.HasPrefix(err.Error(), "optim: ") {
				t.Errorf("error %q does not name %s", err, tc.in)
			}
			assertBitEqual(t, "w after a failed step", ps.Get("w").Float64s(), before)
			if a.Steps() != 0 {
				t.Errorf("Steps() = %d after a failed step", a.Steps())
			}
		})
	}
	if _, err := NewAdam(nil, Config{}); !errors.Is(err, ErrConfig) {
		t.Errorf("NewAdam(nil) error %v, want ErrConfig", err)
	}
}

// TestAdam_SplitInvariant checks that the result is bit-identical whatever the number of
// goroutines the work is split over, for both dtypes.
func TestAdam_SplitInvariant(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		t.Run(dt.String(), func(t *testing.T) {
			var ref [][]float64
			for _, workers := range []int{1, 2, 3} {
				ps := newTestParams(t, dt, 7,
					pspec{name: "a", shape: []int{200, 200}},
					pspec{name: "bn.mean", shape: []int{5}, buffer: true},
					pspec{name: "b", shape: []int{300, 100}},
					pspec{name: "c", shape: []int{7}})
				a, err := NewAdam(ps, Config{Kind: KindAdamW, LR: 0.01, WeightDecay: 0.1})
				if err != nil {
					t.Fatal(err)
				}
				e, err := NewEMA(ps, EMAConfig{})
				if err != nil {
					t.Fatal(err)
				}
				a.setWorkers(workers)
				e.setWorkers(workers)
				rng := rand.New(rand.NewSource(3))
				for range 3 {
					for _, p := range ps.Learnables() {
						g := make([]float64, p.Grad.Shape().TotalSize())
						for i := range g {
							g[i] = rng.NormFloat64()
						}
						setGrad(t, ps, p.Name, g)
					}
					if err := a.Step(); err != nil {
						t.Fatal(err)
					}
					if err := e.Update(); err != nil {
						t.Fatal(err)
					}
				}
				var got [][]float64
				for _, p := range ps.All() {
					m, v := a.Moments(p.Name)
					got = append(got, p.Float64s(), m, v, e.Value(p.Name))
				}
				if ref == nil {
					ref = got
					continue
				}
				for i := range got {
					assertBitEqual(t, "state with workers="+strconv.Itoa(workers), got[i], ref[i])
				}
			}
		})
	}
}

func TestPartition(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		parts int
	}{
		{"one part", []int{3, 4}, 1},
		{"two parts cut a tensor", []int{5, 1, 4}, 2},
		{"more parts than elements", []int{1, 1}, 5},
		{"three uneven", []int{10, 3, 7, 1}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := make([][]int, len(tc.sizes))
			for i, n := range tc.sizes {
				seen[i] = make([]int, n)
			}
			parts := partition(tc.sizes, tc.parts)
			lens := []int{}
			for _, part := range parts {
				n := 0
				for _, s := range part {
					for j := s.lo; j < s.hi; j++ {
						seen[s.t][j]++
					}
					n += s.hi - s.lo
				}
				lens = append(lens, n)
			}
			for i := range seen {
				for j, c := range seen[i] {
					if c != 1 {
						t.Fatalf("element %d of tensor %d covered %d times", j, i, c)
					}
				}
			}
			for _, n := range lens {
				if n-lens[0] > 1 || lens[0]-n > 1 {
					t.Errorf("part lengths %v differ by more than 1", lens)
				}
			}
		})
	}
}
