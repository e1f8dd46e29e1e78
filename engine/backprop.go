package engine

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Gradients returns the gradient of the scalar loss with respect to each node of wrt (input
// nodes of loss's graph), built into the graph by reverse accumulation over the ops' SymDiff;
// Scope.Run reads them from their nodes after the run.
//
// It replaces gorgonia.Grad with gorgonia.BindDualValues. Contributions to one node are summed
// by this package's n-ary Add (one pass, one node) instead of chains of gorgonia Adds, and the
// gradients need no dual values; a training graph holds no gorgonia op at all
// (TestDMP_TrainingGraphUsesOwnAccumulation). Every op node's hash mixes a unique op serial
// (OpBase.WriteHash): gorgonia's AddNode merges a new node into an existing one of the same
// 32-bit hash and op hash without comparing values, which gorgonia's own Adds of one shape
// could meet.
func Gradients(loss *gorgonia.Node, wrt gorgonia.Nodes, dt tensor.Dtype) (gorgonia.Nodes, error) {
	if len(wrt) == 0 {
		return nil, nil
	}
	if !loss.IsScalar() {
		return nil, fmt.Errorf("engine: gradient of a loss of shape %v: %w (need a scalar)", loss.Shape(), ErrShape)
	}
	// Nodes reachable from the loss, children before parents.
	var order gorgonia.Nodes
	children := map[*gorgonia.Node]gorgonia.Nodes{}
	var visit func(n *gorgonia.Node)
	visit = func(n *gorgonia.Node) {
		if _, ok := children[n]; ok {
			return
		}
		cs := childrenOf(n)
		children[n] = cs
		for _, c := range cs {
			visit(c)
		}
		order = append(order, n)
	}
	visit(loss)

	// needed marks the nodes through which a gradient reaches a node of wrt.
	needed := make(map[*gorgonia.Node]bool, len(order))
	for _, n := range wrt {
		if n.Op() != nil {
			return nil, fmt.Errorf("engine: gradient with respect to %q, which is not an input node: %w", n.Name(), ErrShape)
		}
		needed[n] = true
	}
	for _, n := range order {
		op, ok := n.Op().(gorgonia.SDOp)
		if !ok {
			continue // an input, or an op without a symbolic derivative
		}
		diff := op.DiffWRT(len(children[n]))
		for i, c := range children[n] {
			if diff[i] && needed[c] {
				needed[n] = true
				break
			}
		}
	}
	if !needed[loss] {
		return nil, fmt.Errorf("engine: gradient: no node to differentiate by is an input of the loss: %w", ErrShape)
	}

	one, err := scalarOne(dt)
	if err != nil {
		return nil, err
	}
	seed := gorgonia.NewScalar(loss.Graph(), dt, gorgonia.WithName("d_loss"), gorgonia.WithValue(one))
	contrib := map[*gorgonia.Node]gorgonia.Nodes{loss: {seed}}
	grads := make(map[*gorgonia.Node]*gorgonia.Node, len(wrt))
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if !needed[n] {
			continue
		}
		cs := contrib[n]
		if len(cs) == 0 {
			continue // every path from the loss to n passes an input the ops do not differentiate by
		}
		g := cs[0]
		if len(cs) > 1 {
			if g, err = Add(cs...); err != nil {
				return nil, fmt.Errorf("engine: gradient of %q: summing %d contributions: %w", n.Name(), len(cs), err)
			}
		}
		delete(contrib, n)
		if n.Op() == nil {
			grads[n] = g
			continue
		}
		op := n.Op().(gorgonia.SDOp) // needed: an SDOp
		childGrads, err := op.SymDiff(children[n], n, g)
		if err != nil {
			return nil, fmt.Errorf("engine: gradient through %v: %w", n.Op(), err)
		}
		diff := op.DiffWRT(len(children[n]))
		for j, c := range children[n] {
			if !diff[j] || !needed[c] {
				continue
			}
			if j >= len(childGrads) || childGrads[j] == nil {
				return nil, fmt.Errorf("engine: gradient through %v: no gradient for input %d: %w", n.Op(), j, ErrShape)
			}
			contrib[c] = append(contrib[c], childGrads[j])
		}
	}
	out := make(gorgonia.Nodes, len(wrt))
	for i, n := range wrt {
		if out[i] = grads[n]; out[i] == nil {
			return nil, fmt.Errorf("engine: gradient: no gradient reaches %q from the loss (not an input of it, or only through ops without a derivative): %w", n.Name(), ErrShape)
		}
	}
	return out, nil
}

// scalarOne returns 1 as a value of dt.
func scalarOne(dt tensor.Dtype) (any, error) {
	switch dt {
	case tensor.Float32:
		return float32(1), nil
	case tensor.Float64:
		return float64(1), nil
	}
	return nil, fmt.Errorf("engine: gradient of a %v loss: %w", dt, ErrShape)
}

// childrenOf returns n's inputs in order (gorgonia exports them only through the graph's
// From, which keeps the order and repeated inputs).
func childrenOf(n *gorgonia.Node) gorgonia.Nodes {
	it := n.Graph().From(n.ID())
	if it == nil {
		return nil
	}
	cs := make(gorgonia.Nodes, 0, it.Len())
	for it.Next() {
		cs = append(cs, it.Node().(*gorgonia.Node))
	}
	return cs
}
