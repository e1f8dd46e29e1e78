package layers

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// checkHashes returns an error wrapping ErrMachine if two nodes of g share their 32-bit hash.
//
// gorgonia v0.9.18's TapeMachine numbers values by node hash alone when it compiles a graph
// (dataflow.vn in analysis.go: common-subexpression elimination without an equality check):
// of two nodes with the same hash, the later is never computed and its consumers read the
// earlier node's value. Hashes mix the ops' unique serials (op.go), so which nodes collide
// changes from graph to graph; the chance grows with the square of the graph's size. That was
// the "rare, non-reproducible machine fault" of earlier sessions: a parameter's gradient left
// nil (16-layer networks, at steps 382 and 333 of two runs), "Add failed: Shape mismatch", a panic on
// an input of another node's size, and, when the shapes agree, silently wrong values. The
// check turns every such graph into an error before it runs; the trainer and the sampler
// build the step again (new serials, new hashes).
func checkHashes(g *gorgonia.ExprGraph) error {
	nodes := g.AllNodes()
	seen := make(map[uint32]*gorgonia.Node, len(nodes))
	for _, n := range nodes {
		h := n.Hashcode()
		if m, ok := seen[h]; ok {
			return fmt.Errorf("layers: nodes %q and %q of a graph of %d share the hash %08x, which gorgonia's compiler would merge: %w",
				m.Name(), n.Name(), len(nodes), h, ErrMachine)
		}
		seen[h] = n
	}
	return nil
}
