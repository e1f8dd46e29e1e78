package engine

import (
	"fmt"
	"runtime/debug"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Values holds what an execution computed: the value of every node of a graph, by node. It is
// keyed by the node itself, never by its hash: gorgonia v0.9.18's TapeMachine numbered values
// by the 32-bit node hash alone (dataflow.vn in analysis.go, no equality check), so that of two
// nodes with one hash the later was never computed and its consumers read the other's value —
// the "rare machine fault" of earlier versions (docs/architecture.md). This executor has no
// value numbering at all.
type Values map[*gorgonia.Node]gorgonia.Value

// Execute computes every node of g, children before parents, by calling each op's Do on its
// children's values, and returns the values. Input nodes (no op) contribute the value they were
// created with. Nothing is written into the nodes and no input is overwritten: every op output is
// a fresh buffer (from the op's arena), so parameters and inputs may be bound without copies.
//
// Each output is checked against the shape and dtype gorgonia inferred for its node, so an op
// that returns the wrong thing is reported where it happens instead of wherever its value is
// next read. A panic inside an op becomes an error naming the node.
func Execute(g *gorgonia.ExprGraph) (Values, error) {
	all := g.AllNodes()
	vals := make(Values, len(all))
	// gorgonia appends a node to the graph after its children, so the graph's own order is a
	// topological one; each node's children are checked to have values all the same.
	for _, n := range all {
		if err := computeNode(n, vals); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// computeNode computes n from its children's values in vals and stores it.
func computeNode(n *gorgonia.Node, vals Values) (err error) {
	op := n.Op()
	if op == nil {
		v := n.Value()
		if v == nil {
			return fmt.Errorf("engine: input node %q has no value: %w", n.Name(), ErrShape)
		}
		vals[n] = v
		return nil
	}
	children := childrenOf(n)
	in := make([]gorgonia.Value, len(children))
	for i, c := range children {
		v, ok := vals[c]
		if !ok {
			return fmt.Errorf("engine: node %q (%v): input %d (%q) was not computed before it: %w", n.Name(), op, i, c.Name(), ErrShape)
		}
		in[i] = v
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine: op %v of node %q panicked: %v\n%s", op, n.Name(), r, debug.Stack())
		}
	}()
	out, err := op.Do(in...)
	if err != nil {
		return fmt.Errorf("engine: node %q (%v): %w", n.Name(), op, err)
	}
	if out == nil {
		return fmt.Errorf("engine: node %q (%v) computed no value: %w", n.Name(), op, ErrShape)
	}
	if !sameShape(out.Shape(), n.Shape()) || out.Dtype() != n.Dtype() {
		return fmt.Errorf("engine: node %q (%v) computed a %v %v value, its node is %v %v: %w", n.Name(), op, out.Shape(), out.Dtype(), n.Shape(), n.Dtype(), ErrShape)
	}
	vals[n] = out
	return nil
}

// sameShape reports whether a value of shape got fits a node of shape want: equal shapes, or
// two one-element shapes of which one is a scalar (gorgonia writes a scalar's shape as () or (1)
// depending on the op).
func sameShape(got, want tensor.Shape) bool {
	if got.Eq(want) {
		return true
	}
	return got.TotalSize() == 1 && want.TotalSize() == 1 && (got.IsScalar() || want.IsScalar())
}
