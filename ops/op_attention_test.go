package ops

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAttention_Grad checks the gradients for q, k and v against finite differences: two
// sequences of three tokens, two heads of width two.
func TestAttention_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(31))
	in := []*tensor.Dense{gradcheck.RandDense(rng, 6, 4), gradcheck.RandDense(rng, 6, 4), gradcheck.RandDense(rng, 6, 4)}
	gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return Attention(xs[0], xs[1], xs[2], 2, 3, 2)
	}, 0, 1, 2)
}

// TestAttention_BruteForce compares the output with the attention written out per sequence
// and head (matrices, softmax over each row), and checks that a constant q gives each token
// the mean of its sequence's values (uniform weights).
func TestAttention_BruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(32))
	const seqs, tokens, heads, d = 3, 4, 2, 3
	D := heads * d
	q, k, v := gradcheck.RandDense(rng, seqs*tokens, D), gradcheck.RandDense(rng, seqs*tokens, D), gradcheck.RandDense(rng, seqs*tokens, D)
	got := runAttention(t, q, k, v, seqs, tokens, heads)
	qd, kd, vd := q.Data().([]float64), k.Data().([]float64), v.Data().([]float64)
	for s := range seqs {
		for h := range heads {
			for i := range tokens {
				w := make([]float64, tokens)
				var z float64
				for j := range tokens {
					var dot float64
					for c := range d {
						dot += qd[(s*tokens+i)*D+h*d+c] * kd[(s*tokens+j)*D+h*d+c]
					}
					w[j] = math.Exp(dot / math.Sqrt(d))
					z += w[j]
				}
				for c := range d {
					var want float64
					for j := range tokens {
						want += w[j] / z * vd[(s*tokens+j)*D+h*d+c]
					}
					if g := got[(s*tokens+i)*D+h*d+c]; math.Abs(g-want) > 1e-12 {
						t.Fatalf("seq %d head %d token %d col %d: %v, want %v", s, h, i, c, g, want)
					}
				}
			}
		}
	}
	for i := range qd {
		qd[i] = 0.5
	}
	for i := range kd {
		kd[i] = 0.25 // equal scores: uniform weights
	}
	got = runAttention(t, q, k, v, seqs, tokens, heads)
	for s := range seqs {
		for c := range D {
			var mean float64
			for j := range tokens {
				mean += vd[(s*tokens+j)*D+c] / tokens
			}
			if g := got[(s*tokens)*D+c]; math.Abs(g-mean) > 1e-12 {
				t.Fatalf("uniform weights, seq %d col %d: %v, want the mean %v", s, c, g, mean)
			}
		}
	}
}

// runAttention evaluates Attention on float64 inputs and returns its output.
func runAttention(t *testing.T, q, k, v *tensor.Dense, seqs, tokens, heads int) []float64 {
	t.Helper()
	return runAttentionOp(t, q, k, v, func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) { return Attention(q, k, v, seqs, tokens, heads) })
}

// runAttentionOp evaluates build on float64 inputs q, k and v and returns its output.
func runAttentionOp(t *testing.T, q, k, v *tensor.Dense, build func(q, k, v *gorgonia.Node) (*gorgonia.Node, error)) []float64 {
	t.Helper()
	g := gorgonia.NewGraph()
	nodes := make([]*gorgonia.Node, 3)
	for i, x := range []*tensor.Dense{q, k, v} {
		nodes[i] = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(x.Shape()...), gorgonia.WithValue(x), gorgonia.WithName(string(rune('q'+i))))
	}
	out, err := build(nodes[0], nodes[1], nodes[2])
	if err != nil {
		t.Fatal(err)
	}
	vals, err := engine.Execute(g)
	if err != nil {
		t.Fatal(err)
	}
	return vals[out].Data().([]float64)
}

// TestAttention_Shapes checks the errors of inputs that do not fit the sequences and heads.
func TestAttention_Shapes(t *testing.T) {
	g := gorgonia.NewGraph()
	m := func(r, c int) *gorgonia.Node { return gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(r, c)) }
	for _, tc := range []struct {
		q, k, v             *gorgonia.Node
		seqs, tokens, heads int
	}{
		{m(6, 4), m(6, 4), m(6, 4), 2, 2, 2}, // 6 rows are not 2 x 2
		{m(6, 4), m(6, 4), m(6, 4), 2, 3, 3}, // 4 columns are not 3 heads
		{m(6, 4), m(6, 3), m(6, 4), 2, 3, 2}, // k differs
	} {
		if _, err := Attention(tc.q, tc.k, tc.v, tc.seqs, tc.tokens, tc.heads); !errors.Is(err, engine.ErrShape) {
			t.Errorf("%v %v %v as %d x %d, %d heads: %v, want ErrShape", tc.q.Shape(), tc.k.Shape(), tc.v.Shape(), tc.seqs, tc.tokens, tc.heads, err)
		}
	}
}

// TestAttention_RerunReusesBuffers runs one graph's forward and backward pass twice, on other
// inputs the second time (the op keeps its weights and two gradients' buffers between runs),
// and checks both runs against a fresh graph of the same inputs, for full and neighbourhood
// attention.
func TestAttention_RerunReusesBuffers(t *testing.T) {
	build := map[string]func(q, k, v *gorgonia.Node) (*gorgonia.Node, error){
		"full": func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) { return Attention(q, k, v, 2, 6, 2) },
		"neighbourhood": func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) {
			return NeighbourhoodAttention(q, k, v, 1, 3, 4, 2, 3)
		},
	}
	for name, b := range build {
		rng := rand.New(rand.NewSource(33))
		inputs := func() []*tensor.Dense {
			return []*tensor.Dense{gradcheck.RandDense(rng, 12, 4), gradcheck.RandDense(rng, 12, 4), gradcheck.RandDense(rng, 12, 4), gradcheck.RandDense(rng, 12, 4)}
		}
		first, second := inputs(), inputs()
		nodes, grads, g := attentionLossGraph(t, first, b)
		got := [][]float64{runGrads(t, g, grads)}
		for i, n := range nodes {
			if err := gorgonia.Let(n, second[i]); err != nil {
				t.Fatal(err)
			}
		}
		got = append(got, runGrads(t, g, grads))
		for run, in := range [][]*tensor.Dense{first, second} {
			_, freshGrads, fresh := attentionLossGraph(t, in, b)
			want := runGrads(t, fresh, freshGrads)
			for i := range want {
				if got[run][i] != want[i] {
					t.Fatalf("%s: run %d: gradient entry %d is %v, a fresh graph's %v", name, run+1, i, got[run][i], want[i])
				}
			}
		}
	}
}

// attentionLossGraph builds MSE(build(q, k, v), target) from in = q, k, v, target and returns
// the input nodes, the gradients of q, k and v, and the graph.
func attentionLossGraph(t *testing.T, in []*tensor.Dense, build func(q, k, v *gorgonia.Node) (*gorgonia.Node, error)) (gorgonia.Nodes, gorgonia.Nodes, *gorgonia.ExprGraph) {
	t.Helper()
	g := gorgonia.NewGraph()
	nodes := make(gorgonia.Nodes, len(in))
	for i, x := range in {
		nodes[i] = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(x.Shape()...), gorgonia.WithValue(x.Clone()), gorgonia.WithName(string(rune('a'+i))))
	}
	out, err := build(nodes[0], nodes[1], nodes[2])
	if err != nil {
		t.Fatal(err)
	}
	loss, err := MSE(out, nodes[3])
	if err != nil {
		t.Fatal(err)
	}
	grads, err := engine.Gradients(loss, nodes[:3], tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	return nodes, grads, g
}

// runGrads executes g and returns the gradients' values one after another.
func runGrads(t *testing.T, g *gorgonia.ExprGraph, grads gorgonia.Nodes) []float64 {
	t.Helper()
	vals, err := engine.Execute(g)
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, n := range grads {
		out = append(out, vals[n].Data().([]float64)...)
	}
	return out
}

// TestAttention_Float32ProductsMatchLoop compares, in float32 at the small DiT's shapes (8 × 8
// tokens, 4 heads of width 16), full attention's matrix products with the per-query loop given
// every token as keys: the outputs and the three gradients agree to float32 rounding.
func TestAttention_Float32ProductsMatchLoop(t *testing.T) {
	const seqs, tokens, heads, D = 3, 64, 4, 64
	rng := rand.New(rand.NewSource(34))
	rnd := func() []float32 {
		x := make([]float32, seqs*tokens*D)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	q, k, v, g := rnd(), rnd(), rnd(), rnd()
	all := make([][]int, tokens)
	for i := range all {
		all[i] = allTokens(tokens)
	}
	full := (&attentionOp{seqs: seqs, tokens: tokens, heads: heads}).plan()
	keyed := (&attentionOp{seqs: seqs, tokens: tokens, heads: heads, keys: all}).plan()
	run := func(pl attnPlan) [4][]float32 {
		var r [4][]float32
		for i := range r {
			r[i] = make([]float32, len(q))
		}
		probs := make([]float64, seqs*heads*pl.pairs)
		attentionForward(pl, q, k, v, r[0], probs)
		attentionBackward(pl, q, k, v, g, probs, r[1], r[2], r[3])
		return r
	}
	a, b := run(full), run(keyed)
	for w, name := range []string{"output", "dq", "dk", "dv"} {
		var worst, scale float64
		for i := range a[w] {
			worst = max(worst, math.Abs(float64(a[w][i]-b[w][i])))
			scale = max(scale, math.Abs(float64(b[w][i])))
		}
		if worst > 1e-5*scale {
			t.Errorf("%s: products and loop differ by %.3g (largest entry %.3g)", name, worst, scale)
		}
	}
}
