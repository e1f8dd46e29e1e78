package engine_test

import (
	"math"
	"math/rand"
	"reflect"
	"sync"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestSizeClass(t *testing.T) {
	for n := 1; n < 1<<20; n += 1 + n/37 {
		c := engine.SizeClass(n)
		if c < n || float64(c-n) > float64(n)/8 {
			t.Fatalf("engine.SizeClass(%d) = %d: below n or more than 1/8 waste", n, c)
		}
		if engine.SizeClass(c) != c {
			t.Fatalf("engine.SizeClass(%d) = %d is not a class of its own (%d)", n, c, engine.SizeClass(c))
		}
	}
}

// TestArena_ReusedBuffersChangeNothing runs one training step of every layer twice: the
// first on fresh memory, the second with the pool's buffers (all of them filled with NaN
// first). An op that reads a buffer it has not written, or a value released too early, turns
// the second run's numbers into NaN or changes them; they must be identical bit for bit.
func TestArena_ReusedBuffersChangeNothing(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		t.Run(dt.String(), func(t *testing.T) {
			const n, w, supers = 700, 32, 40 // n x w = 22,400 values: above arenaMinLen
			ps, err := engine.NewParams(dt, 3)
			if err != nil {
				t.Fatal(err)
			}
			lift, err := layers.NewMLP(ps, "lift", layers.MLPConfig{Dims: []int{4, w, w}, Norm: true})
			if err != nil {
				t.Fatal(err)
			}
			msg := layers.MessageConfig{Width: w, PosDim: 3, AttrDim: 2}
			coarsen, err := layers.NewMessage(ps, "coarsen", msg)
			if err != nil {
				t.Fatal(err)
			}
			spread, err := layers.NewMessage(ps, "spread", msg)
			if err != nil {
				t.Fatal(err)
			}
			gat, err := layers.NewGATConv(ps, "gat", layers.GATConfig{In: w, Out: w})
			if err != nil {
				t.Fatal(err)
			}
			gcn, err := layers.NewGCNConv(ps, "gcn", layers.GCNConfig{In: w, Out: w})
			if err != nil {
				t.Fatal(err)
			}
			gate, err := layers.NewGate(ps, "gate", w)
			if err != nil {
				t.Fatal(err)
			}
			out, err := layers.NewMLP(ps, "out", layers.MLPConfig{Dims: []int{w, w, 3}, Norm: true, PlainLast: true})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(8))
			randn := func(k int) []float64 {
				v := make([]float64, k)
				for i := range v {
					v[i] = rng.NormFloat64()
				}
				return v
			}
			x, rel, attr := randn(n*4), randn(n*3), randn(n*2)
			assign := make([]int, n)
			for i := range assign {
				assign[i] = rng.Intn(supers)
			}
			e := &graphs.Edges{}
			for i := 0; i < supers; i++ {
				for k := 0; k < 5; k++ {
					e.Src, e.Dst = append(e.Src, rng.Intn(supers)), append(e.Dst, i)
				}
			}
			step := func() (float64, []float64, [][]float64) {
				s := engine.NewScope(ps, true)
				must := func(n *gorgonia.Node, err error) *gorgonia.Node {
					t.Helper()
					if err != nil {
						t.Fatal(err)
					}
					return n
				}
				xn := must(s.Input("x", x, n, 4))
				reln := must(s.Input("rel", rel, n, 3))
				attrn := must(s.Input("attr", attr, n, 2))
				h := must(lift.Forward(s, xn))
				hc := must(ops.ScatterMean(h, assign, supers))
				c := must(layers.Coarsen(s, coarsen, h, hc, assign, reln, attrn))
				c = must(gat.Forward(s, c, e))
				c = must(gcn.Forward(s, c, e))
				sp := must(layers.Spread(s, spread, h, c, assign, reln, attrn))
				h = must(gate.Forward(s, h, sp))
				h = must(engine.Add(h, sp, h))
				y := must(out.Forward(s, h))
				loss := must(gorgonia.Mean(must(gorgonia.Square(y))))
				res, err := s.Run(loss, y)
				if err != nil {
					t.Fatal(err)
				}
				grads := make([][]float64, len(ps.All()))
				for i, p := range ps.All() {
					if p.Learnable {
						grads[i] = engine.ToFloat64s(p.Grad)
					}
				}
				return res.Loss, engine.ToFloat64s(res.Values[0]), grads
			}
			loss1, y1, g1 := step()
			if engine.PoisonPool() == 0 {
				t.Fatal("the first step left nothing in the pool")
			}
			hits := engine.PoolHits()
			loss2, y2, g2 := step()
			if engine.PoolHits() == hits {
				t.Fatal("the second step reused no buffer")
			}
			if math.Float64bits(loss1) != math.Float64bits(loss2) {
				t.Fatalf("loss %v on fresh memory, %v on reused memory", loss1, loss2)
			}
			same := func(what string, a, b []float64) {
				for i := range a {
					if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
						t.Fatalf("%s element %d: %v on fresh memory, %v on reused memory", what, i, a[i], b[i])
					}
				}
			}
			same("output", y1, y2)
			for i := range g1 {
				same("gradient "+ps.All()[i].Name, g1[i], g2[i])
			}
		})
	}
}

// TestArena_ConcurrentScopes runs training steps of two networks in parallel goroutines, each
// with its own engine.Params and Scopes over the one process-wide pool, and demands the results of
// running them one after the other: no buffer is handed to two scopes at once.
func TestArena_ConcurrentScopes(t *testing.T) {
	const n, w = 900, 32 // 900 x 32 values: pooled
	step := func(seed int64, steps int) []float64 {
		ps, _ := engine.NewParams(tensor.Float32, seed)
		lift, err := layers.NewMLP(ps, "lift", layers.MLPConfig{Dims: []int{3, w, w}, Norm: true})
		if err != nil {
			t.Error(err)
			return nil
		}
		gat, _ := layers.NewGATConv(ps, "gat", layers.GATConfig{In: w, Out: w})
		out, _ := layers.NewLinear(ps, "out", layers.LinearConfig{In: w, Out: 2})
		rng := rand.New(rand.NewSource(seed))
		x, e := randomGraph(rng, n, 3, 4)
		var trace []float64
		for k := 0; k < steps; k++ {
			s := engine.NewScope(ps, true)
			xn, _ := s.Input("x", x, n, 3)
			h, err := lift.Forward(s, xn)
			if err == nil {
				h, err = gat.Forward(s, h, e)
			}
			if err == nil {
				h, err = out.Forward(s, h)
			}
			if err != nil {
				t.Error(err)
				return nil
			}
			sq, _ := gorgonia.Square(h)
			loss, _ := gorgonia.Mean(sq)
			res, err := s.Run(loss)
			if err != nil {
				t.Error(err)
				return nil
			}
			trace = append(trace, res.Loss)
			for _, p := range ps.Learnables() { // a plain gradient step, so the steps differ
				g, v := engine.ToFloat64s(p.Grad), p.Float64s()
				for i := range v {
					v[i] -= 0.01 * g[i]
				}
				if err := p.SetFloat64s(v); err != nil {
					t.Error(err)
					return nil
				}
			}
		}
		return trace
	}
	want := [][]float64{step(1, 6), step(2, 6)}
	got := make([][]float64, 2)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i] = step(int64(i+1), 6)
		}(i)
	}
	wg.Wait()
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("network %d: losses %v in parallel, %v alone", i, got[i], want[i])
		}
	}
}
