package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
)

// NeighbourhoodKeys returns, for each token of a height × width grid (row-major), the tokens
// of its window × window neighbourhood as neighbourhood attention defines it (Hassani et al.
// 2023, NATTEN): the window centred on the token, shifted at the borders so that it stays
// inside the grid and every token has the same number of keys. A window at least as large as
// a side covers that side entirely, so a window ≥ max(height, width) is full attention. The
// window must be odd and ≥ 1.
func NeighbourhoodKeys(height, width, window int) ([][]int, error) {
	if height < 1 || width < 1 || window < 1 || window%2 == 0 {
		return nil, fmt.Errorf("ops: neighbourhood of a %d x %d grid with window %d: %w (want sides ≥ 1 and an odd window)", height, width, window, engine.ErrShape)
	}
	start := func(i, n int) (int, int) { // first index and length of the window along a side
		w := min(window, n)
		return min(max(i-window/2, 0), n-w), w
	}
	keys := make([][]int, height*width)
	for r := range height {
		r0, rh := start(r, height)
		for c := range width {
			c0, cw := start(c, width)
			ks := make([]int, 0, rh*cw)
			for i := r0; i < r0+rh; i++ {
				for j := c0; j < c0+cw; j++ {
					ks = append(ks, i*width+j)
				}
			}
			keys[r*width+c] = ks
		}
	}
	return keys, nil
}

// NeighbourhoodAttention is multi-head attention in which each token of a height × width grid
// attends only to the tokens of its window × window neighbourhood (NeighbourhoodKeys), the
// attention of DiT-DMP's blocks: Attention with the keys of each query restricted. A window
// covering the grid (≥ max(height, width)) is computed as full attention.
//
// Shapes: q, k, v [seqs·height·width, heads·d] -> [seqs·height·width, heads·d].
func NeighbourhoodAttention(q, k, v *gorgonia.Node, seqs, height, width, heads, window int) (*gorgonia.Node, error) {
	keys, err := NeighbourhoodKeys(height, width, window)
	if err != nil {
		return nil, err
	}
	s := q.Shape()
	if len(s) != 2 || !s.Eq(k.Shape()) || !s.Eq(v.Shape()) {
		return nil, fmt.Errorf("ops: NeighbourhoodAttention of q %v, k %v, v %v: want equal [seqs·tokens, heads·d]: %w", s, k.Shape(), v.Shape(), engine.ErrShape)
	}
	tokens := height * width
	if seqs < 1 || heads < 1 || s[0] != seqs*tokens || s[1]%heads != 0 || s[1] == 0 {
		return nil, fmt.Errorf("ops: NeighbourhoodAttention of %v as %d sequences of %d x %d tokens, %d heads: %w", s, seqs, height, width, heads, engine.ErrShape)
	}
	if window >= max(height, width) {
		keys = nil // every token's window covers the grid: full attention, on its matrix products
	}
	return engine.ApplyOp(&attentionOp{OpBase: engine.NewOpBase(fmt.Sprintf("neighbourhood_attention(%d,%dx%d,%d,w%d)", seqs, height, width, heads, window), 2, 2, 2, 2),
		seqs: seqs, tokens: tokens, heads: heads, keys: keys}, q, k, v)
}

// AttentionPairs returns the query-key pairs one head of one sequence computes: tokens² for
// full attention (window 0), Σ over the tokens of their neighbourhood sizes otherwise.
func AttentionPairs(height, width, window int) (int, error) {
	if window == 0 {
		return height * width * height * width, nil
	}
	keys, err := NeighbourhoodKeys(height, width, window)
	if err != nil {
		return 0, err
	}
	var n int
	for _, ks := range keys {
		n += len(ks)
	}
	return n, nil
}
