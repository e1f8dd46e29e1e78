package ops

import (
	"errors"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// runNeighbourhood evaluates NeighbourhoodAttention on float64 inputs.
func runNeighbourhood(t *testing.T, q, k, v *tensor.Dense, seqs, height, width, heads, window int) []float64 {
	t.Helper()
	return runAttentionOp(t, q, k, v, func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) {
		return NeighbourhoodAttention(q, k, v, seqs, height, width, heads, window)
	})
}

// TestNeighbourhoodAttention_CoveringWindowIsFull: a window covering the grid gives full
// attention's output exactly (it is computed as full attention), and the per-query loop of
// restricted keys, given every token as keys, agrees with full attention's matrix products.
func TestNeighbourhoodAttention_CoveringWindowIsFull(t *testing.T) {
	rng := rand.New(rand.NewSource(41))
	const seqs, h, w, heads, D = 2, 4, 5, 2, 6
	q, k, v := gradcheck.RandDense(rng, seqs*h*w, D), gradcheck.RandDense(rng, seqs*h*w, D), gradcheck.RandDense(rng, seqs*h*w, D)
	full := runAttention(t, q, k, v, seqs, h*w, heads)
	for _, window := range []int{5, 7, 11} {
		if got := runNeighbourhood(t, q, k, v, seqs, h, w, heads, window); !slices.Equal(got, full) {
			t.Errorf("window %d on a %d x %d grid differs from full attention", window, h, w)
		}
		keys, err := NeighbourhoodKeys(h, w, window)
		if err != nil {
			t.Fatal(err)
		}
		loop := runAttentionOp(t, q, k, v, func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) {
			return engine.ApplyOp(&attentionOp{OpBase: engine.NewOpBase("keyed", 2, 2, 2, 2), seqs: seqs, tokens: h * w, heads: heads, keys: keys}, q, k, v)
		})
		for i := range full {
			if math.Abs(loop[i]-full[i]) > 1e-12 {
				t.Fatalf("window %d, entry %d: keyed loop %v, full attention %v", window, i, loop[i], full[i])
			}
		}
	}
}

// TestNeighbourhoodAttention_BruteForce compares a 3 x 3 window on a 5 x 6 grid with softmax
// attention written out over the tokens within one row and column of the window's centre,
// the centre being the query's position moved inside the grid's border.
func TestNeighbourhoodAttention_BruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	const h, w, heads, d = 5, 6, 2, 3
	D := heads * d
	q, k, v := gradcheck.RandDense(rng, h*w, D), gradcheck.RandDense(rng, h*w, D), gradcheck.RandDense(rng, h*w, D)
	got := runNeighbourhood(t, q, k, v, 1, h, w, heads, 3)
	qd, kd, vd := q.Data().([]float64), k.Data().([]float64), v.Data().([]float64)
	clamp := func(x, lo, hi int) int { return min(max(x, lo), hi) }
	for r := range h {
		for c := range w {
			i := r*w + c
			cr, cc := clamp(r, 1, h-2), clamp(c, 1, w-2)
			var inside []int
			for j := range h * w {
				if abs(j/w-cr) <= 1 && abs(j%w-cc) <= 1 {
					inside = append(inside, j)
				}
			}
			if len(inside) != 9 || !slices.Contains(inside, i) {
				t.Fatalf("token (%d, %d): %d keys %v", r, c, len(inside), inside)
			}
			for hd := range heads {
				wts := make([]float64, len(inside))
				var z float64
				for n, j := range inside {
					var dot float64
					for x := range d {
						dot += qd[i*D+hd*d+x] * kd[j*D+hd*d+x]
					}
					wts[n] = math.Exp(dot / math.Sqrt(d))
					z += wts[n]
				}
				for x := range d {
					var want float64
					for n, j := range inside {
						want += wts[n] / z * vd[j*D+hd*d+x]
					}
					if g := got[i*D+hd*d+x]; math.Abs(g-want) > 1e-12 {
						t.Fatalf("token (%d, %d) head %d col %d: %v, want %v", r, c, hd, x, g, want)
					}
				}
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestNeighbourhoodAttention_Grad checks the gradients for q, k and v against finite
// differences: two sequences on a 3 x 4 grid, window 3, two heads of width two.
func TestNeighbourhoodAttention_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(43))
	in := []*tensor.Dense{gradcheck.RandDense(rng, 24, 4), gradcheck.RandDense(rng, 24, 4), gradcheck.RandDense(rng, 24, 4)}
	gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return NeighbourhoodAttention(xs[0], xs[1], xs[2], 2, 3, 4, 2, 3)
	}, 0, 1, 2)
}

// TestAttentionPairs counts the pairs: full attention tokens², a window w²·tokens when it fits,
// and refuses an even window.
func TestAttentionPairs(t *testing.T) {
	for _, c := range []struct{ h, w, window, want int }{{8, 8, 0, 4096}, {8, 8, 3, 9 * 64}, {8, 8, 7, 49 * 64}, {4, 4, 7, 256}, {2, 8, 3, 6 * 16}} {
		if got, err := AttentionPairs(c.h, c.w, c.window); err != nil || got != c.want {
			t.Errorf("%d x %d, window %d: %d pairs (%v), want %d", c.h, c.w, c.window, got, err, c.want)
		}
	}
	if _, err := AttentionPairs(8, 8, 4); !errors.Is(err, engine.ErrShape) {
		t.Errorf("even window: %v, want ErrShape", err)
	}
}
