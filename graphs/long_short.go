package graphs

import (
	"math/rand"
	"slices"
)

// LongShortGraph returns the long-short range baseline graph of the paper's Table 1: each node i
// receives edges j -> i from k distinct other nodes j drawn uniformly at random without
// replacement (so both short and long range messages occur). Edges are grouped by destination
// node in increasing order, sources in increasing index. k >= n-1 gives the full graph.
//
// The reference draws, for each node, k random targets it sends to (out-degree k); here each
// node receives from k random sources (in-degree k, like kNN). The two random graphs are
// transposes of each other in distribution.
//
// The draws come from rng only (partial Fisher-Yates, k draws per node), so a seed fixes the
// graph. A nil rng, or n < 2 or k < 1, gives no edges (NewPlan reports a nil rng as an error).
func LongShortGraph(n, k int, rng *rand.Rand) Edges {
	kk := min(k, n-1)
	if rng == nil || kk < 1 {
		return Edges{Src: []int{}, Dst: []int{}}
	}
	if kk == n-1 {
		return FullGraph(n)
	}
	e := Edges{Src: make([]int, n*kk), Dst: make([]int, n*kk)}
	// others holds a permutation of 0..n-2; value v stands for node v (v < i) or v+1 (v >= i).
	others := make([]int, n-1)
	for v := range others {
		others[v] = v
	}
	swaps := make([]int, kk)
	for i := range n {
		src := e.Src[i*kk : (i+1)*kk]
		for m := range kk {
			r := m + rng.Intn(n-1-m)
			others[m], others[r] = others[r], others[m]
			swaps[m] = r
			v := others[m]
			if v >= i {
				v++
			}
			src[m] = v
			e.Dst[i*kk+m] = i
		}
		for m := kk - 1; m >= 0; m-- { // undo the swaps: others is the identity again
			r := swaps[m]
			others[m], others[r] = others[r], others[m]
		}
		slices.Sort(src)
	}
	return e
}
